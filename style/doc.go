// Package style decides, once per run, whether fleet's output is coloured
// (a terminal, no --no-color, no NO_COLOR, TERM not dumb) and draws every
// styled element of it: the plan's symbols and headings, the progress
// lines' outcomes, the diagnostics' labels. Renderers take a Style and ask
// it for an element by meaning; none of them names a colour, and nothing
// here reads or sets fatih/color's global switch.
package style
