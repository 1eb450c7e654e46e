package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"strings"
	"testing"
)

// TestNoRegistries keeps wiring.go the one composition root: no file of
// the command may have an init function, or a package-level variable of
// map, slice or sync/atomic type that parts could register into.
func TestNoRegistries(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	for _, pkg := range pkgs {
		for name, f := range pkg.Files {
			files++
			for _, problem := range registries(f) {
				t.Errorf("%s: %s; wire it in wiring.go instead", name, problem)
			}
		}
	}
	if files < 10 {
		t.Fatalf("parsed %d files; expected the whole command", files)
	}
}

// TestRegistriesFinds shows registries recognises each kind of registry.
func TestRegistriesFinds(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"func init() {}", "func init"},
		{"var m = map[string]int{}", "var m"},
		{"var s []func()", "var s"},
		{"var s = []int{1}", "var s"},
		{"var m = make(map[string]int)", "var m"},
		{"var b atomic.Bool", "var b"},
		{"var v = \"\"", ""},
		{"func (a *app) init() {}", ""},
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package main\n"+tc.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join(registries(f), "; ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%q: got %q, want %q", tc.src, got, tc.want)
		}
	}
}

// registries lists f's init functions and package-level variables that
// hold a map, a slice or an atomic value.
func registries(f *ast.File) []string {
	var found []string
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == "init" {
				found = append(found, "func init")
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, spec := range d.Specs {
				vs := spec.(*ast.ValueSpec)
				exprs := append([]ast.Expr{vs.Type}, vs.Values...)
				for _, e := range exprs {
					if e != nil && collection(e) {
						for _, n := range vs.Names {
							found = append(found, "var "+n.Name)
						}
						break
					}
				}
			}
		}
	}
	return found
}

// collection reports whether e is, builds or makes a map, a slice or an
// atomic value.
func collection(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.MapType, *ast.ArrayType:
		return true
	case *ast.CompositeLit:
		return x.Type != nil && collection(x.Type)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "make" {
			return true
		}
	case *ast.SelectorExpr:
		if pkg, ok := x.X.(*ast.Ident); ok && pkg.Name == "atomic" {
			return true
		}
	}
	return false
}

// TestUsageNamesEveryCommand keeps `resolvebot help` and the wiring in
// step: every command the help lists runs, and every wired command is
// listed.
func TestUsageNamesEveryCommand(t *testing.T) {
	listed := map[string]bool{}
	section := usage[strings.Index(usage, "Commands:\n"):strings.Index(usage, "\nEach command")]
	for _, line := range strings.Split(section, "\n")[1:] {
		if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
			listed[strings.Fields(line)[0]] = true
		}
	}
	wired := commands()
	for name := range listed {
		if _, ok := wired[name]; !ok && name != "serve" && name != "console" {
			t.Errorf("usage lists %q but commands() does not wire it", name)
		}
	}
	for name := range wired {
		if !listed[name] {
			t.Errorf("commands() wires %q but usage does not list it", name)
		}
	}
	if len(listed) < 10 {
		t.Fatalf("read %d commands from usage: %v", len(listed), listed)
	}
}
