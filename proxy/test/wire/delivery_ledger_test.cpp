// DeliveryLedger: which body bytes of a response the peer acknowledged, given how many of the
// connection's bytes are still unacknowledged (they are always the last ones written).
#include "wire/delivery_ledger.hpp"

#include <gtest/gtest.h>

namespace sisyphus::proxy {
namespace {

TEST(DeliveryLedger, ContentLengthBodyFollowsItsHead) {
  DeliveryLedger ledger;
  ledger.framing(200);  // head
  ledger.body(1000);
  ledger.body(500);
  EXPECT_EQ(ledger.written(), 1500u);
  EXPECT_EQ(ledger.runs(), 1u);  // contiguous writes are one run
  EXPECT_EQ(ledger.delivered(0), 1500u);
  EXPECT_EQ(ledger.delivered(1), 1499u);
  EXPECT_EQ(ledger.delivered(1500), 0u);        // only the head acknowledged
  EXPECT_EQ(ledger.delivered(1500 + 200), 0u);  // not even the head
}

TEST(DeliveryLedger, MoreUnacknowledgedThanThisResponseWroteMeansNoneOfItArrived) {
  // An earlier response on the connection still has bytes in flight before these.
  DeliveryLedger ledger;
  ledger.framing(100);
  ledger.body(10);
  EXPECT_EQ(ledger.delivered(1'000'000), 0u);
}

TEST(DeliveryLedger, ChunkFramingIsNotCountedAsBody) {
  // "3e8\r\n" + 1000 bytes + "\r\n", twice, then "0\r\n\r\n".
  DeliveryLedger ledger;
  ledger.framing(150);  // head
  for (int i = 0; i < 2; ++i) {
    ledger.framing(5);
    ledger.body(1000);
    ledger.framing(2);
  }
  ledger.framing(5);
  EXPECT_EQ(ledger.written(), 2000u);
  EXPECT_EQ(ledger.runs(), 2u);
  EXPECT_EQ(ledger.delivered(0), 2000u);
  EXPECT_EQ(ledger.delivered(5), 2000u);          // the terminating chunk is framing
  EXPECT_EQ(ledger.delivered(5 + 2), 2000u);      // so is the CRLF after the data
  EXPECT_EQ(ledger.delivered(5 + 2 + 1), 1999u);  // the last data byte
  EXPECT_EQ(ledger.delivered(5 + 2 + 1000), 1000u);
  EXPECT_EQ(ledger.delivered(5 + 2 + 1000 + 5), 1000u);  // the second size line
  EXPECT_EQ(ledger.delivered(5 + 2 + 1000 + 5 + 2 + 1), 999u);
  EXPECT_EQ(ledger.delivered(5 + 2 * (5 + 1000 + 2)), 0u);
}

TEST(DeliveryLedger, SettlingForgetsAcknowledgedRunsButKeepsTheirBytes) {
  DeliveryLedger ledger;
  for (int i = 0; i < 100; ++i) {
    ledger.framing(4);
    ledger.body(10);
    ledger.framing(2);
  }
  // All but the last 3 chunks (16 bytes each) acknowledged, and 5 bytes of the third last.
  const std::uint64_t unacknowledged = 2 * 16 + 2 + 5;
  EXPECT_EQ(ledger.delivered(unacknowledged), 97u * 10 + 5);
  EXPECT_EQ(ledger.settle(unacknowledged), 97u * 10 + 5);
  EXPECT_EQ(ledger.runs(), 3u);  // the partly acknowledged one stays placed
  EXPECT_EQ(ledger.delivered(unacknowledged), 97u * 10 + 5);
  EXPECT_EQ(ledger.delivered(0), 1000u);
  EXPECT_EQ(ledger.settle(0), 1000u);
  EXPECT_EQ(ledger.runs(), 0u);
  ledger.body(7);  // a run after settling is placed after everything written
  EXPECT_EQ(ledger.delivered(7), 1000u);
  EXPECT_EQ(ledger.delivered(0), 1007u);
}

TEST(DeliveryLedger, NothingWrittenDeliversNothing) {
  DeliveryLedger ledger;
  EXPECT_EQ(ledger.delivered(0), 0u);
  ledger.framing(300);  // a head alone (HEAD, 304)
  EXPECT_EQ(ledger.delivered(0), 0u);
  EXPECT_EQ(ledger.written(), 0u);
}

}  // namespace
}  // namespace sisyphus::proxy
