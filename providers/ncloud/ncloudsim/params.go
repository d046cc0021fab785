package ncloudsim

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// params are one call's flat parameters, query and form merged (ncp.md
// §1.3). Lists use 1-based dotted indices and nest:
// networkInterfaceList.1.accessControlGroupNoList.2=43.
type params map[string]string

// newParams flattens url.Values; when a key repeats, the first value wins,
// as r.Form puts the body's values before the query's.
func newParams(v url.Values) params {
	p := make(params, len(v))
	for k, vs := range v {
		if len(vs) > 0 {
			p[k] = vs[0]
		}
	}
	return p
}

func (p params) str(name string) string { return strings.TrimSpace(p[name]) }

func (p params) has(name string) bool { _, ok := p[name]; return ok }

// boolean reads a true/false parameter; absent is def.
func (p params) boolean(name string, def bool) (bool, error) {
	v := p.str(name)
	switch strings.ToLower(v) {
	case "":
		return def, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, invalidParam(name, "must be true or false, got %q", v)
}

// integer reads a decimal parameter; absent is def.
func (p params) integer(name string, def int64) (int64, error) {
	v := p.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, invalidParam(name, "must be an integer, got %q", v)
	}
	return n, nil
}

// indexed groups the keys under prefix.N by N, in ascending N. Each group
// maps the rest of the key ("" for prefix.N itself) to its value.
func (p params) indexed(prefix string) ([]params, error) {
	groups := map[int]params{}
	pre := prefix + "."
	for k, v := range p {
		if !strings.HasPrefix(k, pre) {
			continue
		}
		rest := k[len(pre):]
		idx, sub, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if err != nil || n < 1 {
			return nil, invalidParam(k, "list indices start at 1")
		}
		if groups[n] == nil {
			groups[n] = params{}
		}
		groups[n][sub] = v
	}
	keys := make([]int, 0, len(groups))
	for n := range groups {
		keys = append(keys, n)
	}
	sort.Ints(keys)
	out := make([]params, len(keys))
	for i, n := range keys {
		out[i] = groups[n]
	}
	return out, nil
}

// list reads a list of scalars: prefix.1, prefix.2, ...
func (p params) list(prefix string) ([]string, error) {
	groups, err := p.indexed(prefix)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		if v := strings.TrimSpace(g[""]); v != "" {
			out = append(out, v)
		}
	}
	return out, nil
}

// paging reads pageNo/pageSize. pageNo ≤ 1 is the first page (ncp.md §2.4);
// no pageSize means the whole list.
func (p params) paging() (offset, size int, err error) {
	no, err := p.integer("pageNo", 0)
	if err != nil {
		return 0, 0, err
	}
	sz, err := p.integer("pageSize", 0)
	if err != nil {
		return 0, 0, err
	}
	if sz < 0 {
		return 0, 0, invalidParam("pageSize", "must be positive")
	}
	if sz == 0 {
		return 0, 0, nil
	}
	if no < 1 {
		no = 1
	}
	return int((no - 1) * sz), int(sz), nil
}

// page cuts one page out of n items.
func page(n, offset, size int) (lo, hi int) {
	if size == 0 {
		return 0, n
	}
	lo = min(offset, n)
	hi = min(lo+size, n)
	return lo, hi
}
