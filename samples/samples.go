// Package samples holds ready-to-drop example batches in every format and
// the example configuration. The binary embeds them: the example config is
// paybatch's built-in demo config, and `paybatch run --demo` drops the
// batches into the inbox so a new user sees the whole flow at once.
package samples

import (
	"embed"
	"io/fs"
)

//go:embed paybatch.yaml
var demoConfig []byte

//go:embed payroll.csv payroll.pain.001.001.03.xml supplier-payments.pain.001.001.09.xml suppliers.xlsx
var batches embed.FS

// DemoConfig is samples/paybatch.yaml: the four sandbox providers in-process,
// local folders under ./paybatch-data, a SQLite file.
func DemoConfig() []byte { return append([]byte(nil), demoConfig...) }

// Batches are the example batch files, at the root of the returned FS.
func Batches() fs.FS { return batches }
