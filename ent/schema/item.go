package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Item is one serial-numbered unit of equipment. It is in exactly one place:
// a warehouse (in stock, quarantined), a courier (issued), or in transit.
type Item struct{ ent.Schema }

// Mixin of the Item.
func (Item) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, ArchiveMixin{}, AccessMixin{}} }

// Fields of the Item.
func (Item) Fields() []ent.Field {
	return []ent.Field{
		field.String("serial").NotEmpty().MaxRuneLen(64).Unique().
			Annotations(entgql.OrderField("SERIAL")),
		field.Int("equipment_type_id"),
		field.Enum("state").Values("in_stock", "issued", "in_transit", "quarantined", "written_off", "lost").
			Default("in_stock").
			Annotations(entgql.OrderField("STATE")),
		field.Enum("condition").Values("new", "used", "damaged").Default("new"),
		field.Int("warehouse_id").Optional().Nillable().
			Comment("where the unit is, or is heading when in transit"),
		field.Int("courier_id").Optional().Nillable().
			Comment("who holds the unit when issued"),
		field.Int64("unit_cost").NonNegative().Default(0),
	}
}

// Edges of the Item.
func (Item) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("equipment_type", EquipmentType.Type).Ref("items").Field("equipment_type_id").Unique().Required(),
		edge.From("warehouse", Warehouse.Type).Ref("items").Field("warehouse_id").Unique(),
		edge.From("courier", Courier.Type).Ref("items").Field("courier_id").Unique(),
		edge.To("movements", Movement.Type).Annotations(noAction, entgql.RelayConnection()),
	}
}

// Indexes of the Item.
func (Item) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("warehouse_id", "equipment_type_id", "state"),
		index.Fields("courier_id"),
		index.Fields("equipment_type_id", "state"),
	}
}

// Annotations of the Item.
func (Item) Annotations() []schema.Annotation {
	// A unit is in exactly one place: its one row has one state, and a
	// courier holds it exactly when it is issued. The stock service keeps
	// that with conditional updates; `mycourier verify` checks it. (A CHECK
	// constraint would refuse the migration over rows written before.)
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
