package command

import "strings"

// fileFlags is the -f flags of a command for people to copy, as they were
// given, with a trailing space; empty when none were.
func fileFlags(files []string) string {
	var b strings.Builder
	for _, f := range files {
		b.WriteString("-f " + shellQuote(f) + " ")
	}
	return b.String()
}

// fileSuffix is fileFlags for the end of a command: " -f x", or "".
func fileSuffix(files []string) string {
	return strings.TrimSuffix(" "+fileFlags(files), " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == ':' || r == '=' || r == '+' || r == ',' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9'))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// varFileFlags is fileFlags for --var-file.
func varFileFlags(files []string) string {
	var b strings.Builder
	for _, f := range files {
		b.WriteString("--var-file " + shellQuote(f) + " ")
	}
	return b.String()
}
