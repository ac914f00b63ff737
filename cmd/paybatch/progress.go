package main

import (
	"fmt"
	"os"
	"strings"
)

// progressBar draws "[#####     ] 512/1000 payments final" on a terminal,
// and nothing when stderr is a file or a pipe (cron, CI).
type progressBar struct {
	f    *os.File
	on   bool
	last string
}

func newProgressBar(f *os.File) *progressBar {
	st, err := f.Stat()
	return &progressBar{f: f, on: err == nil && st.Mode()&os.ModeCharDevice != 0}
}

func (b *progressBar) show(done, total int) {
	if !b.on || total == 0 {
		return
	}
	const width = 30
	n := done * width / total
	line := fmt.Sprintf("\r[%s%s] %d/%d payments final", strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
	if line != b.last {
		fmt.Fprint(b.f, line)
		b.last = line
	}
}

func (b *progressBar) done() {
	if b.on && b.last != "" {
		fmt.Fprintln(b.f)
	}
}
