package storeobs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// TestEveryMethodMeasured: each method of conversation.Store, except
// Close, is one the wrapper defines itself, so a method added to the
// interface is measured and traced rather than passed through unseen.
func TestEveryMethodMeasured(t *testing.T) {
	fset := token.NewFileSet()
	conv, err := parser.ParseDir(fset, filepath.Join("..", "..", "conversation"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	interfaces := map[string]*ast.InterfaceType{}
	for _, f := range conv["conversation"].Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if it, ok := ts.Type.(*ast.InterfaceType); ok {
					interfaces[ts.Name.Name] = it
				}
			}
			return true
		})
	}
	var want []string
	var methods func(name string)
	methods = func(name string) {
		it, ok := interfaces[name]
		if !ok {
			t.Fatalf("no interface %s in conversation", name)
		}
		for _, m := range it.Methods.List {
			if len(m.Names) == 0 { // an embedded interface, such as Outbox
				methods(m.Type.(*ast.Ident).Name)
			}
			for _, n := range m.Names {
				if n.Name != "Close" {
					want = append(want, n.Name)
				}
			}
		}
	}
	methods("Store")
	if len(want) < 20 {
		t.Fatalf("found only %d methods of conversation.Store: %v", len(want), want)
	}
	pkgs, err := parser.ParseDir(fset, ".", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range pkgs["storeobs"].Files {
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv != nil {
				have[fn.Name.Name] = true
			}
		}
	}
	for _, m := range want {
		if !have[m] {
			t.Errorf("storeobs.Store does not measure %s: add it to methods.go", m)
		}
	}
}
