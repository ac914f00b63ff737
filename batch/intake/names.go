package intake

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// ignoredSuffixes are names tools use while a transfer or an edit is still
// going on: WinSCP (.filepart), browsers (.crdownload, .part), rsync-like
// tools and editors (.tmp, .swp), and lock files.
var ignoredSuffixes = []string{
	".part", ".partial", ".tmp", ".temp", ".filepart", ".crdownload",
	".download", ".swp", ".lock", ".lck",
}

// MarkerSuffix names the marker that announces a complete file in marker
// mode: X is taken only once X.done exists.
const MarkerSuffix = ".done"

// Ignored reports whether name is a temporary, lock, hidden or marker name
// that must never be claimed. Hidden names include our own outbox temp files.
func Ignored(name string) bool {
	if name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") || strings.HasPrefix(name, "~") {
		return true
	}
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, MarkerSuffix) {
		return true
	}
	for _, s := range ignoredSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

// CheckName returns an error wrapping ErrUnsafeName unless name is a plain
// base name: not empty, not . or .., no separators, no control characters
// or NUL, valid UTF-8, at most 255 bytes.
func CheckName(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrUnsafeName, name, why) }
	switch {
	case name == "" || name == "." || name == "..":
		return bad("not a file name")
	case len(name) > 255:
		return bad("longer than 255 bytes")
	case !utf8.ValidString(name):
		return bad("not valid UTF-8")
	case strings.ContainsAny(name, `/\`):
		return bad("contains a path separator")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return bad("contains a control character")
		}
	}
	return nil
}

// SuffixedName returns name with -n before its extension ("a.xml", 2 →
// "a-2.xml"), used to avoid overwriting an existing file. n < 2 returns name.
func SuffixedName(name string, n int) string {
	if n < 2 {
		return name
	}
	ext := path.Ext(name)
	if ext == name { // ".profile"-like: no base to put the suffix on
		ext = ""
	}
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(name, ext), n, ext)
}

// ErrorFileName is the explanation written next to a failed file.
func ErrorFileName(name string) string { return name + ".error.txt" }

// ArchiveDay is the archive/ sub-folder for a file finished at day.
func ArchiveDay(day time.Time) string { return day.Format("2006-01-02") }
