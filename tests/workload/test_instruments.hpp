// A small instrument list shared by the workload tests.
#pragma once

#include <vector>

#include "reference-data/types.hpp"

namespace rex::workload::testing {

inline std::vector<refdata::InstrumentSpec> test_instruments() {
  std::vector<refdata::InstrumentSpec> list(3);
  list[0].id = 0;
  list[0].code = "CU-BARLEY-XUCHANG";
  list[0].tick_size = 1000;  // 10 CNY
  list[0].lot_minimum = 1000;
  list[0].lot_increment = 1000;
  list[0].price_floor = 6'000'000;
  list[0].price_ceiling = 8'000'000;
  list[1].id = 1;
  list[1].code = "FE-HMS1-TANGSHAN";
  list[1].tick_size = 100;
  list[1].lot_minimum = 1000;
  list[1].lot_increment = 1000;
  list[1].price_floor = 200'000;
  list[1].price_ceiling = 360'000;
  list[2].id = 7;  // ids need not be dense for the text form
  list[2].code = "AL-TAINT-FOSHAN";
  list[2].tick_size = 1;
  list[2].lot_minimum = 500;
  list[2].lot_increment = 500;
  list[2].price_floor = 1'000'000;
  list[2].price_ceiling = 2'500'000;
  return list;
}

}  // namespace rex::workload::testing
