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
	storeFile, err := parser.ParseFile(fset, filepath.Join("..", "..", "conversation", "store.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	ast.Inspect(storeFile, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok || ts.Name.Name != "Store" {
			return true
		}
		for _, m := range ts.Type.(*ast.InterfaceType).Methods.List {
			for _, name := range m.Names {
				if name.Name != "Close" {
					want = append(want, name.Name)
				}
			}
		}
		return false
	})
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
