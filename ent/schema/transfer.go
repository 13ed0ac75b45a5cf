package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Transfer moves stock between warehouses in two steps: dispatch (stock
// leaves the sender, goods are in transit) and receive (stock arrives;
// shortages are written off or returned to the sender).
type Transfer struct{ ent.Schema }

// Mixin of the Transfer.
func (Transfer) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, StockAccessMixin{}} }

// Fields of the Transfer.
func (Transfer) Fields() []ent.Field {
	return []ent.Field{
		field.String("document_number").NotEmpty().MaxRuneLen(50).Unique().Immutable().
			Annotations(entgql.OrderField("DOCUMENT_NUMBER")),
		field.Int("from_warehouse_id").Immutable(),
		field.Int("to_warehouse_id").Immutable(),
		field.Enum("status").Values("in_transit", "received").Default("in_transit").
			Annotations(entgql.OrderField("STATUS")),
		field.String("dispatch_operation_id").NotEmpty().MaxRuneLen(40).Immutable(),
		field.String("receive_operation_id").Optional().MaxRuneLen(40),
		field.Int("dispatched_by_id").Optional().Nillable().Immutable(),
		field.Int("received_by_id").Optional().Nillable(),
		field.Time("received_at").Optional().Nillable(),
		field.Bool("has_discrepancy").Default(false),
		field.String("comment").Optional().MaxRuneLen(1000),
	}
}

// Edges of the Transfer.
func (Transfer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("from_warehouse", Warehouse.Type).Field("from_warehouse_id").Unique().Required().Immutable().Annotations(noAction),
		edge.To("to_warehouse", Warehouse.Type).Field("to_warehouse_id").Unique().Required().Immutable().Annotations(noAction),
		edge.To("dispatched_by", User.Type).Field("dispatched_by_id").Unique().Immutable().Annotations(noAction),
		edge.To("received_by", User.Type).Field("received_by_id").Unique().Annotations(noAction),
		edge.To("lines", TransferLine.Type).Annotations(noAction),
	}
}

// Indexes of the Transfer: in-transit lists per receiving warehouse.
func (Transfer) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "to_warehouse_id"),
		index.Fields("from_warehouse_id", "created_at"),
		index.Fields("to_warehouse_id", "created_at"),
	}
}

// Annotations of the Transfer.
func (Transfer) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}
