package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Variable types.
const (
	VarString = "string"
	VarNumber = "number"
	VarBool   = "bool"
	VarList   = "list"
	VarMap    = "map"
)

// SensitiveText stands for a sensitive variable's value wherever one would
// be shown.
const SensitiveText = "(sensitive)"

// Variable is one entry of the variables block with the value it got.
type Variable struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Description string `json:"description,omitempty"`
	Sensitive   bool   `json:"sensitive,omitempty"`
	// Value is typed: string, int64 or float64, bool, []any or
	// map[string]any; nil when the variable has no value.
	Value any `json:"-"`
	// Source says where the value came from: "default", "FLEET_VAR_NAME",
	// the var file's name, or "--var".
	Source string `json:"source,omitempty"`
	Range  Range  `json:"-"` // where it was declared
}

// Shown is the value for people and documents: SensitiveText for a
// sensitive variable, nil when it has none.
func (v *Variable) Shown() any {
	if v.Sensitive && v.Value != nil {
		return SensitiveText
	}
	return v.Value
}

// Environment is what a fleet was loaded for: the var files given and the
// variables' values. Two runs with the same Digest used the same values.
type Environment struct {
	VarFiles  []string    // as given with --var-file, in order
	Variables []*Variable // sorted by name
	// Digest is the sha256 over every variable's name and value, "" when
	// the fleet declares none; a saved plan is applied only with the same.
	Digest string
}

// Variable returns the declared variable of that name, or nil.
func (e *Environment) Variable(name string) *Variable {
	for _, v := range e.Variables {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// VarInputs are the variable values given on the command line, in the
// order given. Precedence, lowest first: the default, FLEET_VAR_NAME, the
// var files (a later file wins), --var (a later one wins).
type VarInputs struct {
	Set   []string // --var NAME=VALUE
	Files []string // --var-file FILE
}

// varDecl is a declared variable while loading.
type varDecl struct {
	v      *Variable
	bad    bool // the declaration is invalid (the schema check says how): uses are left unchecked
	valid  map[string]any
	origin string // in words, for messages: "set by --var", "set in env/dev.yaml"
	at     *Range // where the value was written, when it was
}

// declareVariables reads the variables blocks of the parsed files and
// gives each variable its value, before any other value is converted so
// that ${var.NAME} can be expanded anywhere.
func (l *loader) declareVariables(docs []*yaml.Node, in VarInputs) {
	for i, src := range l.sources {
		if docs[i] == nil {
			continue
		}
		root := resolveNode(docs[i])
		if root == nil || root.Kind != yaml.MappingNode {
			continue
		}
		_, block := findKey(root, "variables", 0)
		if block == nil {
			continue
		}
		// A scratch loader converts the block: its problems are reported
		// when the main pass converts the same nodes again.
		m, _ := l.scratchConvert(src, block, "/variables").(map[string]any)
		for _, name := range sortedKeys(m) {
			if l.vars[name] != nil || !validVarName(name) {
				continue // a second declaration is reported by merge
			}
			d, _ := m[name].(map[string]any)
			k, vn := findKey(resolveNode(block), name, 0)
			decl := &varDecl{v: &Variable{Name: name, Description: str(d, "description"), Sensitive: boolean(d, "sensitive")}}
			if k != nil {
				decl.v.Range = src.nodeRange(k)
			}
			decl.valid, _ = d["validation"].(map[string]any)
			typ, typed := d["type"].(string)
			def, hasDef := d["default"]
			hasDef = hasDef && def != nil
			switch {
			case typed && !knownVarType(typ):
				decl.bad = true
			case d == nil, !typed && d["type"] != nil:
				decl.bad = true
			case !typed && hasDef:
				typ = typeOfValue(def)
			case !typed:
				typ = VarString
			}
			decl.v.Type = typ
			l.vars[name] = decl
			if hasDef && !decl.bad {
				var at *Range
				if vn != nil && resolveNode(vn).Kind == yaml.MappingNode {
					if _, dn := findKey(resolveNode(vn), "default", 0); dn != nil {
						r := src.nodeRange(dn)
						at = &r
					}
				}
				l.assign(decl, def, false, "default", "its default", at)
			}
		}
	}
	for _, name := range sortedVarNames(l.vars) {
		if val, ok := l.getenv("FLEET_VAR_" + name); ok {
			l.assign(l.vars[name], val, true, "FLEET_VAR_"+name, "set by FLEET_VAR_"+name, nil)
		}
	}
	for _, file := range in.Files {
		l.readVarFile(file)
	}
	for _, arg := range in.Set {
		l.varFlag(arg)
	}
	l.finishVariables()
}

// scratchConvert converts a subtree without reporting anything.
func (l *loader) scratchConvert(src *source, n *yaml.Node, ptr string) any {
	sl := &loader{getenv: l.getenv, unsetWarns: true, locs: map[string]loc{}, fromEnv: map[string]string{},
		fromVar: map[string]string{}, secret: map[string]bool{}, broken: map[string]bool{}, trees: map[*source]*yaml.Node{}, vars: map[string]*varDecl{}}
	c := &converter{l: sl, src: src, locs: map[string]loc{}, active: map[*yaml.Node]bool{}}
	c.aliasLeft = aliasBase + aliasFactor*countNodes(n)
	return c.convert(n, ptr, 1)
}

// varFlag applies one --var NAME=VALUE.
func (l *loader) varFlag(arg string) {
	name, val, ok := strings.Cut(arg, "=")
	if !ok || !validVarName(name) {
		// the argument is not echoed: it may be a secret given wrongly
		summary := "--var: expected NAME=VALUE, got an argument without '='"
		if ok {
			summary = fmt.Sprintf("--var %s=...: %q is not a variable name", Printable(name), Printable(name))
		}
		l.diags = l.diags.Append(Diagnostic{Severity: SeverityError, Summary: summary,
			Detail: "Give a variable declared under variables: and its value, such as --var web_count=3."})
		return
	}
	decl := l.vars[name]
	if decl == nil {
		l.diags = l.diags.Append(Diagnostic{Severity: SeverityError,
			Summary: fmt.Sprintf("--var %s: variable %q is not declared", name, name) + l.didYouMean(name),
			Detail:  l.declaredText()})
		return
	}
	l.assign(decl, val, true, "--var", "set by --var", nil)
}

// didYouMean suggests a declared variable close to name.
func (l *loader) didYouMean(name string) string {
	if s := suggest(name, sortedVarNames(l.vars)); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

func (l *loader) declaredText() string {
	names := sortedVarNames(l.vars)
	if len(names) == 0 {
		return "The fleet declares no variables. Declare it under variables: in the fleet file."
	}
	return fmt.Sprintf("Declared: %s. Fix the name or declare it under variables: in the fleet file.", strings.Join(names, ", "))
}

// assign gives decl a value converted to its type, reporting a value of
// the wrong type or one its validation refuses.
func (l *loader) assign(decl *varDecl, raw any, text bool, source, origin string, at *Range) {
	if decl.bad {
		return
	}
	decl.v.Value, decl.v.Source, decl.origin, decl.at = nil, source, origin, at
	val, err := convertVar(raw, text, decl.v.Type)
	if err == "" {
		err = checkValidation(val, decl.valid)
	}
	if err != "" {
		shown := describeValue(raw)
		if val != nil {
			shown = describeValue(val) // a number given as text is shown as one
		}
		if decl.v.Sensitive {
			shown = SensitiveText
		}
		d := Diagnostic{Severity: SeverityError,
			Summary: fmt.Sprintf("variable %s: %s, got %s", decl.v.Name, err, shown),
			Detail:  fmt.Sprintf("The value was %s. Give a value that fits the declaration at %s.", origin, decl.v.Range),
			Path:    "/variables/" + decl.v.Name}
		if at != nil {
			d.Range = at
		}
		l.diags = append(l.diags, d)
		decl.bad = true // reported: its uses are left unchecked
		return
	}
	decl.v.Value = val
}

// finishVariables reports the variables left without a value.
func (l *loader) finishVariables() {
	for _, name := range sortedVarNames(l.vars) {
		decl := l.vars[name]
		if decl.bad || decl.v.Value != nil || l.unsetWarns {
			continue // with unsetWarns each use says so
		}
		r := decl.v.Range
		l.diags = append(l.diags, Diagnostic{Severity: SeverityError, Range: &r, Path: "/variables/" + name,
			Summary: fmt.Sprintf("variable %s has no value", name),
			Detail:  fmt.Sprintf("Give it one with --var %s=VALUE, in a --var-file, or with FLEET_VAR_%s, or declare a default.", name, name)})
	}
}

// environment is what Load reports of the variables.
func (l *loader) environment(in VarInputs) *Environment {
	env := &Environment{VarFiles: append([]string(nil), in.Files...)}
	h := sha256.New()
	for _, name := range sortedVarNames(l.vars) {
		v := l.vars[name].v
		env.Variables = append(env.Variables, v)
		b, _ := json.Marshal(v.Value)
		fmt.Fprintf(h, "%s\x00%s\x00", name, b)
	}
	if len(env.Variables) > 0 {
		env.Digest = "sha256:" + hex.EncodeToString(h.Sum(nil))
	}
	return env
}

func sortedVarNames(m map[string]*varDecl) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
