#include "sync/stock_event.h"

#include <gtest/gtest.h>

namespace fct {
namespace {

TEST(StockEvent, VirtualPositionEntityNamesItsRef) {
  auto r = stock_event_refs({{"name", "StockChanged"}, {"entityType", "VIRTUAL_POSITION"}, {"entityRef", "VP-9"}});
  EXPECT_TRUE(r.about_stock());
  EXPECT_EQ(r.position_refs, std::vector<std::string>{"VP-9"});
  EXPECT_TRUE(r.product_refs.empty());
}

TEST(StockEvent, ProductEntityAndAttributesNameProductRefs) {
  auto r = stock_event_refs({{"entityType", "PRODUCT"},
                             {"entityRef", "SKU-1"},
                             {"attributes", {{{"name", "productRef"}, {"value", "SKU-2"}},
                                             {{"name", "other"}, {"value", "x"}}}}});
  EXPECT_EQ(r.product_refs, (std::vector<std::string>{"SKU-1", "SKU-2"}));
  auto obj = stock_event_refs({{"entityType", "ORDER"}, {"attributes", {{"productRefs", {"B", "A", "B"}}}}});
  EXPECT_EQ(obj.product_refs, (std::vector<std::string>{"A", "B"}));
}

TEST(StockEvent, OtherEventsAreSkippedWithAReason) {
  auto r = stock_event_refs({{"name", "OrderCreated"}, {"entityType", "ORDER"}, {"entityRef", "O-1"}});
  EXPECT_FALSE(r.about_stock());
  EXPECT_NE(r.skip_reason.find("OrderCreated"), std::string::npos);
  EXPECT_NE(r.skip_reason.find("ORDER"), std::string::npos);
  EXPECT_FALSE(stock_event_refs(nlohmann::json::array()).about_stock());
}

}  // namespace
}  // namespace fct
