//go:build ignore

// Command entc generates the ent client and the entgql GraphQL schema from
// ent/schema. Run through `go generate ./...` (see generate.go).
package main

import (
	"fmt"
	"log"
	"regexp"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./graph/ent.graphql"),
		entgql.WithWhereInputs(true),
		entgql.WithNodeDescriptor(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(upperSnakeEnums, dateColumnsAreDates),
	)
	if err != nil {
		log.Fatalf("entc: creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:  "./ent",
		Package: "github.com/mycourier/mycourier/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureIntercept,
			gen.FeatureVersionedMigration,
			gen.FeatureGlobalID,
			gen.FeatureLock,
			gen.FeatureModifier,
			gen.FeatureExecQuery,
			gen.FeatureUpsert,
		},
	},
		entc.Extensions(ex),
		// After the extension, so it replaces entgql's enum marshalling.
		entc.TemplateFiles("./ent/template/graphql_enum.tmpl"),
		entc.TemplateFiles("./ent/template/dialect.tmpl"),
	)
	if err != nil {
		log.Fatalf("entc: running ent codegen: %v", err)
	}
}

var lowerSnake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// upperSnakeEnums names the values of every ent field enum in UPPER_SNAKE_CASE,
// as GraphQL convention expects; the stored values stay as they are and
// ent/template/graphql_enum.tmpl maps between the two. A stored value that
// is not lower_snake_case would have no unambiguous GraphQL name, so it stops
// generation.
func upperSnakeEnums(_ *gen.Graph, s *ast.Schema) error {
	for _, def := range s.Types {
		if def.Kind != ast.Enum || def.Directives.ForName("goModel") == nil {
			continue // order-field enums and OrderDirection are already upper case
		}
		for _, v := range def.EnumValues {
			if !lowerSnake.MatchString(v.Name) {
				return fmt.Errorf("enum %s: stored value %q is not lower_snake_case", def.Name, v.Name)
			}
			v.Name = strings.ToUpper(v.Name)
		}
	}
	return nil
}

// dateColumnsAreDates refuses a date-only column (PostgreSQL type date) that
// GraphQL would show as an instant: it must carry entgql.Type("Date").
func dateColumnsAreDates(g *gen.Graph, s *ast.Schema) error {
	for _, n := range g.Nodes {
		def := s.Types[n.Name]
		if def == nil {
			continue
		}
		for _, f := range n.Fields {
			if f.Column().SchemaType["postgres"] != "date" {
				continue
			}
			name := f.StructField()
			gf := def.Fields.ForName(strings.ToLower(name[:1]) + name[1:])
			if gf != nil && gf.Type.Name() != "Date" {
				return fmt.Errorf("%s.%s is a date column but GraphQL type %s: annotate it with entgql.Type(\"Date\")", n.Name, f.Name, gf.Type.Name())
			}
		}
	}
	return nil
}
