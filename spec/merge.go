package spec

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// blocks whose entries several files may each contribute to.
var mergedBlocks = map[string]bool{"providers": true, "servers": true, "keypairs": true, "images": true, "variables": true}

// merge adds one file's top level to the fleet: entries of the named
// blocks are pooled (the same entry twice is an error naming both places),
// moved lists are joined, version and name may repeat with the same value,
// and anything else may be set once.
func (l *loader) merge(src *source, m map[string]any, locs map[string]loc) {
	if len(l.doc) == 0 {
		l.doc, l.locs = m, locs
		return
	}
	// moves maps the pointers (one or two levels deep) this file adds to
	// where they land in the merged document.
	moves := map[string]string{}
	defer l.copyLocs(locs, moves)
	for _, k := range sortedKeys(m) {
		v := m[k]
		top := "/" + escapePointer(k)
		prev, exists := l.doc[k]
		switch {
		case !exists:
			l.doc[k] = v
			moves[top] = top
		case mergedBlocks[k]:
			pm, ok1 := prev.(map[string]any)
			vm, ok2 := v.(map[string]any)
			if !ok1 || !ok2 {
				l.duplicate(locs[top], l.locs[top], k)
				continue
			}
			for _, n := range sortedKeys(vm) {
				p := top + "/" + escapePointer(n)
				if _, dup := pm[n]; dup {
					l.duplicate(locs[p], l.locs[p], k+"."+n)
					continue
				}
				pm[n] = vm[n]
				moves[p] = p
			}
		case k == "moved":
			pl, ok1 := prev.([]any)
			vl, ok2 := v.([]any)
			if !ok1 || !ok2 {
				l.duplicate(locs[top], l.locs[top], k)
				continue
			}
			for i := range vl {
				moves[top+"/"+strconv.Itoa(i)] = top + "/" + strconv.Itoa(len(pl)+i)
			}
			l.doc[k] = append(pl, vl...)
		case (k == "version" || k == "name") && reflect.DeepEqual(prev, v):
			// the same header in every file of a directory is fine
		case k == "version" || k == "name":
			second, first := locs[top], l.locs[top]
			if second.src != nil && first.src != nil {
				l.errorAt(second.val, fmt.Sprintf("%s differs between the files of one fleet", k),
					fmt.Sprintf("%s is %s at %s but %s here. Give every file the same %s, or leave it out of all files but one.",
						k, l.describe(top, prev), first.val, l.describe("", v), k), "")
			}
		default:
			l.duplicate(locs[top], l.locs[top], k)
		}
	}
}

// copyLocs copies the locs below the pointers named in moves into l.locs,
// at their new place, in one pass over locs.
func (l *loader) copyLocs(locs map[string]loc, moves map[string]string) {
	for p, lc := range locs {
		// the prefixes of p one and two levels deep
		cut1 := strings.IndexByte(p[min(1, len(p)):], '/') + 1
		if cut1 <= 0 {
			cut1 = len(p)
		}
		if to, ok := moves[p[:cut1]]; ok {
			l.locs[to+p[cut1:]] = lc
			continue
		}
		if cut1 == len(p) {
			continue
		}
		cut2 := strings.IndexByte(p[cut1+1:], '/') + cut1 + 1
		if cut2 <= cut1 {
			cut2 = len(p)
		}
		if to, ok := moves[p[:cut2]]; ok {
			l.locs[to+p[cut2:]] = lc
		}
	}
}

// duplicate reports a key set in two files.
func (l *loader) duplicate(second, first loc, what string) {
	if !second.hasKey || !first.hasKey {
		return
	}
	l.errorAt(second.key, fmt.Sprintf("%s is declared twice", what),
		fmt.Sprintf("It is also declared at %s. Keep one of them.", first.key), "")
}
