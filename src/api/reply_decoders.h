// Fast decoders for the three high-volume GraphQL replies: Fluent's
// virtualPositions pages, commercetools' inventoryEntries lookups and the
// aliased write batches. They read the HTTP body in place (simdjson
// On-Demand) straight into the domain structs, without a JSON tree.
//
// Each one accepts only the plain success shape: no `errors`, every field
// present with the expected type, every position valid. Anything else
// returns nullopt and the caller takes the general path
// (GraphQLClient::interpret + nlohmann::json), which produces the detailed
// diagnostics. So the fast path never decides an error on its own, and the
// two paths agree on every reply the fast one accepts (tests/unit/core
// reply_decoders_test checks this on the same inputs).
//
// The body may be given extra capacity (padding) but is not otherwise changed.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fluent/position_pager.h"
#include "sync/model.h"

namespace fct::decode {

// A virtualPositions page (edges/node, or the seed's virtualPositionEdge/
// virtualPositionNode) and the cursor to continue from (empty: last page).
// `expected`: positions to make room for up front (the page size asked for).
std::optional<std::pair<PositionPage, std::string>> virtual_positions(std::string& body, int number,
                                                                      size_t expected = 0);

// The results of one inventoryEntries query, handed to `each` in order once
// the whole reply has been checked (so a declined reply made no calls). The
// views are valid only during the call.
bool inventory_entries(std::string& body, const std::function<void(const InventoryEntryRef&)>& each);

// True when a batch of `count` aliased mutations (u0 … u{count-1}) all
// returned an object and the reply has no errors.
bool all_writes_succeeded(std::string& body, size_t count);

}  // namespace fct::decode
