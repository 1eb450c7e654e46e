package messages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
)

// catalogueCalls are the names of the methods that look a text up by key:
// Catalogue.Text and bot's Cards.Say. Every call of a method so named with
// arguments, anywhere in the module's code, is taken for a look-up.
var catalogueCalls = []string{"Text", "Say"}

// use is one look-up of a key in the code.
type use struct {
	key  string
	at   string
	args []string // the Args literal's names; nil when not a literal
}

// findUses parses every non-test Go file under root and returns each
// look-up of the catalogue, and a problem for each whose key is not a
// string literal.
func findUses(t *testing.T, root string) (uses []use, bad []string) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if filepath.ToSlash(filepath.Dir(rel)) == "bot/messages" {
			return nil // the catalogue itself
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		var wrapperKey string // in a wrapper of the look-up (Cards.Say), its key parameter
		ast.Inspect(f, func(n ast.Node) bool {
			if fd, ok := n.(*ast.FuncDecl); ok {
				wrapperKey = ""
				if ps := fd.Type.Params.List; slices.Contains(catalogueCalls, fd.Name.Name) && len(ps) > 0 && len(ps[0].Names) > 0 {
					wrapperKey = ps[0].Names[0].Name
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			name, ok := lookupName(call)
			if !ok {
				return true
			}
			pos := fset.Position(call.Pos())
			at := filepath.ToSlash(rel) + ":" + strconv.Itoa(pos.Line)
			if id, ok := call.Args[0].(*ast.Ident); ok && wrapperKey != "" && id.Name == wrapperKey {
				return true // the wrapper passes on its caller's key, which is checked where it is called
			}
			if forwardsKey(call) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				bad = append(bad, at+": the key of "+name+" is not a string literal, so it cannot be checked")
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			u := use{key: key, at: at}
			if len(call.Args) > 1 {
				u.args = argNames(call.Args[1])
			}
			uses = append(uses, u)
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return uses, bad
}

// errorCalls are the functions of package conversation that make a text
// for a person from a key, its first argument: an error's message
// (conversation.Invalid, Forbidden, NotFound, Conflict, Fail) or a text
// such as a form field's message (conversation.Msg). Inside package
// conversation they are called without the package's name.
var errorCalls = []string{"Invalid", "Forbidden", "NotFound", "Conflict", "Fail", "Msg"}

// lookupName returns the name of the method or function call looks a key
// up with, and whether it is one: a method of catalogueCalls, or a
// function of errorCalls, called on its own or through package
// conversation (http.NotFound is not one).
func lookupName(call *ast.CallExpr) (string, bool) {
	switch f := call.Fun.(type) {
	case *ast.SelectorExpr:
		name := f.Sel.Name
		pkg, _ := f.X.(*ast.Ident)
		return name, slices.Contains(catalogueCalls, name) || (pkg != nil && pkg.Name == "conversation" && slices.Contains(errorCalls, name))
	case *ast.Ident:
		return f.Name, slices.Contains(errorCalls, f.Name)
	}
	return "", false
}

// forwardsKey reports whether call words a text made earlier: a
// catalogue look-up whose key is the Key field of a conversation.Text or
// Error (t.Key), which one of errorCalls made and which is checked there.
func forwardsKey(call *ast.CallExpr) bool {
	sel, ok := call.Args[0].(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Key"
}

// argNames returns the names an Args literal gives, sorted, or nil when the
// expression is not a literal with constant names (or is nil: no names).
func argNames(e ast.Expr) []string {
	if id, ok := e.(*ast.Ident); ok && id.Name == "nil" {
		return []string{}
	}
	cl, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	names := []string{}
	for _, el := range cl.Elts {
		kv, ok := el.(*ast.KeyValueExpr)
		if !ok {
			return nil
		}
		lit, ok := kv.Key.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return nil
		}
		s, _ := strconv.Unquote(lit.Value)
		names = append(names, s)
	}
	slices.Sort(names)
	return names
}

// moduleRoot is the directory holding go.mod, above this package.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = up
	}
}

// TestEveryKeyUsedAndKnown: every key the code looks up is in the English
// catalogue, with the arguments its text needs; every key of the catalogue
// is looked up somewhere; and every look-up names its key as a string
// literal, so none escapes the check.
func TestEveryKeyUsedAndKnown(t *testing.T) {
	c := English()
	uses, bad := findUses(t, moduleRoot(t))
	tuses, tbad := findTemplateUses(t, filepath.Join(moduleRoot(t), webTemplates))
	uses, bad = append(uses, tuses...), append(bad, tbad...)
	for _, b := range bad {
		t.Error(b)
	}
	used := map[string]bool{}
	for _, u := range uses {
		used[u.key] = true
		want, ok := c.Placeholders(u.key)
		if !ok {
			t.Errorf("%s: key %q is not in the catalogue (bot/messages/en/)", u.at, u.key)
			continue
		}
		if u.args != nil && !slices.Equal(u.args, want) {
			t.Errorf("%s: %s is given %s; its text has %s", u.at, u.key, braces(u.args), braces(want))
		}
	}
	for _, k := range c.Keys() {
		if !used[k] {
			t.Errorf("key %q of the catalogue (bot/messages/en/) is used nowhere in the code: remove it or use it", k)
		}
	}
	if len(uses) == 0 {
		t.Error("found no look-ups of the catalogue: the search is broken")
	}
}

// TestFindUsesRefusesComputedKeys: a key built at run time is reported, so
// the check cannot be dodged.
func TestFindUsesRefusesComputedKeys(t *testing.T) {
	dir := t.TempDir()
	src := `package x
func f(k *K, v string) {
	k.Say("button.unknown", nil)
	k.Say("refusal." + v, nil)
	k.Text(v, nil)
}
func (k *K) Say(key string, args Args) string { return k.c.Text(key, args) }
func (k *K) Other(key string) string { return k.c.Text(key, nil) }
func g(v string) error {
	_ = conversation.Msg("error.one", messages.Args{"case": v})
	_ = Invalid("error.two", nil)
	return conversation.Fail(v, "invalid", nil)
}
`
	if err := os.WriteFile(filepath.Join(dir, "x.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	uses, bad := findUses(t, dir)
	var keys []string
	for _, u := range uses {
		keys = append(keys, u.key)
	}
	if !slices.Equal(keys, []string{"button.unknown", "error.one", "error.two"}) || len(uses[0].args) != 0 || uses[0].args == nil ||
		!slices.Equal(uses[1].args, []string{"case"}) {
		t.Errorf("uses = %+v, want the literal keys of Say, Msg and Invalid with their arguments", uses)
	}
	if len(bad) != 4 {
		t.Errorf("problems = %q, want one for each computed key and the key passed on outside a wrapper", bad)
	}
}

// webTemplates holds the web page's templates (adapters/web), which look
// texts up with the template functions in templateCalls.
const webTemplates = "adapters/web/templates"

// templateCalls are the template functions that look a text up by key:
// {{say "key" "name" value …}} and sayHTML, the same with HTML values.
var templateCalls = []string{"say", "sayHTML"}

// findTemplateUses parses every .html template in dir and returns each
// call of a function of templateCalls with the names its pairs give, and a
// problem for each whose key or a name is not a string literal.
func findTemplateUses(t *testing.T, dir string) (uses []use, bad []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel := filepath.ToSlash(filepath.Join(webTemplates, filepath.Base(path)))
		tr := parse.New(rel)
		tr.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := tr.Parse(string(src), "", "", trees); err != nil {
			t.Fatal(err)
		}
		for _, name := range slices.Sorted(maps.Keys(trees)) {
			walkTemplate(trees[name].Root, func(cmd *parse.CommandNode) {
				u, problem := templateUse(rel, string(src), cmd)
				if problem != "" {
					bad = append(bad, problem)
				} else if u.key != "" {
					uses = append(uses, u)
				}
			})
		}
	}
	return uses, bad
}

// templateUse reads one command of a template: a look-up when it calls a
// function of templateCalls (key "" otherwise), or a problem when its key
// or a name is not a string literal.
func templateUse(file, src string, cmd *parse.CommandNode) (use, string) {
	fn, ok := cmd.Args[0].(*parse.IdentifierNode)
	if !ok || !slices.Contains(templateCalls, fn.Ident) {
		return use{}, ""
	}
	at := file + ":" + strconv.Itoa(1+strings.Count(src[:cmd.Pos], "\n"))
	if len(cmd.Args) < 2 || len(cmd.Args)%2 != 0 {
		return use{}, at + ": " + fn.Ident + " needs a key and pairs of name and value"
	}
	key, ok := cmd.Args[1].(*parse.StringNode)
	if !ok {
		return use{}, at + ": the key of " + fn.Ident + " is not a string literal, so it cannot be checked"
	}
	u := use{key: key.Text, at: at, args: []string{}}
	for i := 2; i < len(cmd.Args); i += 2 {
		name, ok := cmd.Args[i].(*parse.StringNode)
		if !ok {
			return use{}, at + ": a placeholder's name given to " + fn.Ident + " is not a string literal"
		}
		u.args = append(u.args, name.Text)
	}
	slices.Sort(u.args)
	return u, ""
}

// walkTemplate calls f for every command in the tree under n, those in
// parenthesised pipelines included.
func walkTemplate(n parse.Node, f func(*parse.CommandNode)) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkTemplate(c, f)
			}
		}
	case *parse.ActionNode:
		walkTemplate(n.Pipe, f)
	case *parse.TemplateNode:
		walkTemplate(n.Pipe, f)
	case *parse.PipeNode:
		if n != nil {
			for _, c := range n.Cmds {
				walkTemplate(c, f)
			}
		}
	case *parse.CommandNode:
		f(n)
		for _, a := range n.Args {
			walkTemplate(a, f)
		}
	case *parse.IfNode:
		walkBranch(&n.BranchNode, f)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, f)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, f)
	}
}

// walkBranch walks an if, range or with: its pipeline and both lists.
func walkBranch(b *parse.BranchNode, f func(*parse.CommandNode)) {
	walkTemplate(b.Pipe, f)
	walkTemplate(b.List, f)
	walkTemplate(b.ElseList, f)
}

// TestFindTemplateUses: the template search finds look-ups in actions,
// branches and parenthesised arguments, with their names, and reports a
// key or name that is not a string literal.
func TestFindTemplateUses(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, webTemplates)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := `{{define "x"}}<h1>{{say "web.a"}}</h1>
{{if .X}}{{range .Y}}<p>{{sayHTML "web.b" "email" (strong .E) "link" (link .H (say "web.c"))}}</p>{{end}}{{else}}{{with .Z}}{{say "web.d" "case" .}}{{end}}{{end}}
{{say .Key}}{{say "web.e" .Name 1}}{{say "web.f" "odd"}}{{fieldID .Key}}{{end}}`
	if err := os.WriteFile(filepath.Join(dir, "x.html"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	uses, bad := findTemplateUses(t, dir)
	var got []string
	for _, u := range uses {
		got = append(got, u.key+braces(u.args)+"@"+u.at)
	}
	want := []string{
		"web.anone@" + webTemplates + "/x.html:1",
		"web.b{email} {link}@" + webTemplates + "/x.html:2",
		"web.cnone@" + webTemplates + "/x.html:2",
		"web.d{case}@" + webTemplates + "/x.html:2",
	}
	if !slices.Equal(got, want) {
		t.Errorf("uses = %q, want %q", got, want)
	}
	if len(bad) != 3 {
		t.Errorf("problems = %q, want one for the computed key, the computed name and the odd pair", bad)
	}
}
