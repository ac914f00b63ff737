// Package folder is the intake.Source for local (or mounted) inbox folders,
// where accounting teams drop their CSV and XLSX sheets.
//
// Layout, per inbox unless Config.WorkDir moves the first three elsewhere on
// the same file system:
//
//	inbox/processing/            claimed files, one rename away from the inbox
//	inbox/archive/YYYY-MM-DD/    finished files
//	inbox/failed/                rejected files, each with <name>.error.txt
//	inbox/outbox/                reports (Config.Outbox)
//
// Decisions worth knowing:
//   - A file is complete when its size and mtime stay the same for MinAge
//     (or, in marker mode, when <name>.done exists; the marker is removed
//     when the file is claimed).
//   - A 0-byte file is treated like any other: once it has stayed empty for
//     MinAge it is claimed and the pipeline rejects it as FF01, so the sender
//     sees why instead of a file that silently never moves.
//   - Symlinks and other non-regular entries are never followed: the entry
//     itself is moved to failed/ with an explanation. Names that could
//     escape the folder or carry control characters are skipped and logged.
//   - fsnotify makes pickup fast; a periodic rescan (the Watch interval) is
//     always on, because events are lost on network shares and at start-up.
//   - Files left in processing/ by a crash are handed back by Recover.
package folder
