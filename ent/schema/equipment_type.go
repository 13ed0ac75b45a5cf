package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/mycourier/mycourier/internal/limits"
)

// EquipmentType is a stock-keeping unit of courier equipment; each size of a
// garment is a type of its own (jacket M, jacket L).
type EquipmentType struct{ ent.Schema }

// Mixin of the EquipmentType.
func (EquipmentType) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}}
}

// Fields of the EquipmentType.
func (EquipmentType) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(150).
			Annotations(entgql.OrderField("NAME")),
		field.String("sku").NotEmpty().MaxRuneLen(50).Unique().
			Annotations(entgql.OrderField("SKU")),
		field.Enum("category").Values("bag", "uniform", "helmet", "power_bank", "phone_holder", "other").
			Annotations(entgql.OrderField("CATEGORY")),
		field.String("size").Optional().MaxRuneLen(10),
		field.String("variant_group").Optional().MaxRuneLen(100).
			Comment("relates the sizes of one garment (jacket S/M/L share \"jacket\"); a kit line may be issued in any size of its group"),
		field.Enum("tracking").Values("serial", "quantity").Default("quantity").
			Comment("serial: every unit is an Item; quantity: counted in StockBalance"),
		field.Int64("unit_cost").NonNegative().Validate(limits.ValidateUnitCost).Default(0).
			Comment("in UZS, at most 100000000 (limits.MaxUnitCost)").
			Annotations(entgql.OrderField("UNIT_COST")),
		field.Int64("deposit_amount").NonNegative().Validate(limits.ValidateUnitCost).Default(0).
			Comment("charged to a courier who does not return the unit, in UZS, at most 100000000 (limits.MaxUnitCost)"),
		field.Int("service_life_months").Optional().Nillable().Positive(),
	}
}

// Edges of the EquipmentType.
func (EquipmentType) Edges() []ent.Edge {
	skip := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Edge{
		edge.To("items", Item.Type).Annotations(entgql.RelayConnection(), skip),
		edge.To("balances", StockBalance.Type).Annotations(skip),
		edge.To("movements", Movement.Type).Annotations(entgql.RelayConnection(), skip),
	}
}

// Indexes of the EquipmentType.
func (EquipmentType) Indexes() []ent.Index {
	return []ent.Index{index.Fields("category"), index.Fields("variant_group")}
}

// Annotations of the EquipmentType.
func (EquipmentType) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
