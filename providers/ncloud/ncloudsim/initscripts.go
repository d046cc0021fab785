package ncloudsim

import (
	"slices"
	"strings"
	"time"
)

// Init scripts (getInitScriptList, getInitScriptDetail, createInitScript,
// deleteInitScripts; SDK InitScript and CreateInitScriptRequest): a script
// is stored as sent and shown back in full. Creating a server does not
// require initScriptNo to name one (README: servers keep any number).

type initScript struct {
	No          string    `json:"no"`
	Region      string    `json:"region"`
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Content     string    `json:"content"`
	OS          string    `json:"os"` // LNX or WND
	Created     time.Time `json:"created"`
}

// The SDK requires osTypeCode; the API's codes are LNX and WND.
var initScriptOS = map[string]code{"LNX": {"LNX", "LINUX"}, "WND": {"WND", "WINDOWS"}}

// maxInitScript bounds a script's content; the documents give no limit, so
// the simulator's own keeps a state file reasonable.
const maxInitScript = 1 << 20

type initScriptJSON struct {
	InitScriptNo          string `json:"initScriptNo"`
	InitScriptName        string `json:"initScriptName"`
	CreateDate            string `json:"createDate"`
	InitScriptDescription string `json:"initScriptDescription"`
	InitScriptContent     string `json:"initScriptContent"`
	OSType                code   `json:"osType"`
}

func initScriptView(v *initScript) initScriptJSON {
	return initScriptJSON{v.No, v.Name, ncpDate(v.Created), v.Description, v.Content, initScriptOS[v.OS]}
}

func initScriptList(list []*initScript, total int, mutated bool) result {
	views := make([]initScriptJSON, len(list))
	for i, v := range list {
		views[i] = initScriptView(v)
	}
	return result{fields: object{{"totalRows", total}, {"initScriptList", views}}, mutated: mutated}
}

func createInitScript(s *Sim, c *call) (result, error) {
	p := c.p
	// The content is kept byte for byte: a script's whitespace matters.
	content := p["initScriptContent"]
	if strings.TrimSpace(content) == "" {
		return result{}, invalidParam("initScriptContent", "is required")
	}
	if len(content) > maxInitScript {
		return result{}, invalidParam("initScriptContent", "must be at most %d bytes", maxInitScript)
	}
	os := p.str("osTypeCode")
	if os == "" {
		os = "LNX"
	}
	if _, ok := initScriptOS[os]; !ok {
		return result{}, invalidParam("osTypeCode", "must be LNX or WND, got %q", os)
	}
	name, desc := p.str("initScriptName"), p.str("initScriptDescription")
	if name != "" {
		if err := validName("initScriptName", name); err != nil {
			return result{}, err
		}
	}
	if len(desc) > 1000 {
		return result{}, invalidParam("initScriptDescription", "must be at most 1000 bytes")
	}
	v := &initScript{No: s.d.nextID(), Region: c.region.Code, Name: name, Description: desc,
		Content: content, OS: os, Created: c.now}
	if v.Name == "" {
		v.Name = "init-" + v.No
	}
	for _, o := range s.d.InitScripts {
		if o.Region == v.Region && o.Name == v.Name {
			return result{}, invalidParam("initScriptName", "%q is already used", v.Name)
		}
	}
	s.d.InitScripts[v.No] = v
	return initScriptList([]*initScript{v}, 1, true), nil
}

func getInitScriptList(s *Sim, c *call) (result, error) {
	p := c.p
	offset, size, err := p.paging()
	if err != nil {
		return result{}, err
	}
	nos, err := p.list("initScriptNoList")
	if err != nil {
		return result{}, err
	}
	name, os := p.str("initScriptName"), p.str("osTypeCode")
	var all []*initScript
	for _, v := range s.d.InitScripts {
		if v.Region != c.region.Code || (name != "" && v.Name != name) || (os != "" && v.OS != os) ||
			(len(nos) > 0 && !slices.Contains(nos, v.No)) {
			continue
		}
		all = append(all, v)
	}
	slices.SortFunc(all, func(a, b *initScript) int {
		if p.str("sortedBy") == "initScriptName" && a.Name != b.Name {
			return strings.Compare(a.Name, b.Name)
		}
		return idCompare(a.No, b.No)
	})
	if strings.EqualFold(p.str("sortingOrder"), "DESC") {
		slices.Reverse(all)
	}
	lo, hi := page(len(all), offset, size)
	return initScriptList(all[lo:hi], len(all), false), nil
}

func getInitScriptDetail(s *Sim, c *call) (result, error) {
	no := c.p.str("initScriptNo")
	if no == "" {
		return result{}, invalidParam("initScriptNo", "is required")
	}
	if v := s.d.InitScripts[no]; v != nil && v.Region == c.region.Code {
		return initScriptList([]*initScript{v}, 1, false), nil
	}
	return initScriptList(nil, 0, false), nil
}

// deleteInitScripts is all or nothing, like the other batch deletes.
func deleteInitScripts(s *Sim, c *call) (result, error) {
	nos, err := c.p.list("initScriptNoList")
	if err != nil {
		return result{}, err
	}
	if len(nos) == 0 {
		return result{}, invalidParam("initScriptNoList", "is required")
	}
	var list []*initScript
	for _, no := range nos {
		v := s.d.InitScripts[no]
		if v == nil || v.Region != c.region.Code {
			return result{}, invalidParam("initScriptNoList", "init script %s not found in region %s", no, c.region.Code)
		}
		list = append(list, v)
	}
	for _, v := range list {
		delete(s.d.InitScripts, v.No)
	}
	return initScriptList(list, len(list), true), nil
}
