// A commercetools-like schema shared by the executor tests.
#pragma once

namespace fct::graphql::testing {

inline constexpr const char* kTestSdl = R"SDL(
"""The schema."""
schema { query: Query mutation: Mutation }

scalar Long
scalar DateTime
scalar Json

directive @key(fields: String!) repeatable on OBJECT | INTERFACE

enum Color {
  "red"
  RED
  GREEN @deprecated(reason: "no")
}

interface Node { id: String! }
interface Versioned { version: Long! }

type Channel implements Node {
  id: String!
  key: String!
  name: String
  roles: [String!]!
  createdAt: DateTime
}

type InventoryEntry implements Node & Versioned @key(fields: "id") {
  id: String!
  sku: String!
  quantityOnStock: Long!
  version: Long!
  channel: Channel
  custom: Json
  "a field with an argument"
  price(currency: String = "EUR"): Long
}

type InventoryPage {
  total: Int!
  offset: Int
  results: [InventoryEntry!]!
}

union SearchResult = Channel | InventoryEntry

input QtyInput {
  quantity: Long!
  mode: Color = RED
  note: String
}

input UpdateAction {
  changeQuantity: QtyInput
  setNote: String
}

type Query {
  channel(key: String!): Channel
  channels(limit: Int = 20, where: String): [Channel!]!
  inventoryEntries(limit: Int = 20, offset: Int, sort: [String!]): InventoryPage!
  search(text: String!): [SearchResult!]!
  node(id: String!): Node
  echo(i: Int, f: Float, s: String, b: Boolean, id: ID, c: Color, l: [Int!], q: QtyInput, j: Json,
       when: DateTime, big: Long, acts: [UpdateAction!]): Json
  strict: String!
  boom: String
}

type Mutation {
  updateInventoryEntry(id: String!, version: Long!, actions: [UpdateAction!]!): InventoryEntry
  create(key: String!): Channel!
  log(msg: String!): String
}
)SDL";

}  // namespace fct::graphql::testing
