#include "engine/sfn/service.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/core/aws_error.hpp"
#include "engine/sfn/test_integration.hpp"
#include "engine/asl/compiler.hpp"
#include "store/migrations.hpp"
#include "store/sfn_repo.hpp"

using namespace scl;
using sfn::json;

namespace {
constexpr core::TimeMs kT0 = 1'700'000'000'000;
const char* const kRole = "arn:aws:iam::123456789012:role/sfn";
const char* const kTask = "arn:aws:states:::emulator:task";

// Component fixture: the real service over SQLite, a manual clock, sequential ids and the
// emulator-only task integration (registered like server/main.cpp does).
struct Fixture {
  explicit Fixture(const std::string& path = ":memory:", core::TimeMs start = kT0)
      : db(path),
        clock(start),
        scheduler(clock),
        task(std::make_shared<sfn::EmulatorTaskIntegration>(scheduler)) {
    store::migrate(db);
    registry.add("emulator", "task", asl::IntegrationPattern::kRequestResponse, task);
    registry.add("emulator", "task", asl::IntegrationPattern::kWaitForTaskToken, task);
    svc = std::make_unique<sfn::StepFunctionsService>(db, scheduler, ids, registry);
  }
  store::Database db;
  core::ManualClock clock;
  core::ManualScheduler scheduler;
  core::SequentialIdSource ids;
  asl::IntegrationRegistry registry;
  std::shared_ptr<sfn::EmulatorTaskIntegration> task;
  std::unique_ptr<sfn::StepFunctionsService> svc;
  core::Scope scope{"123456789012", "us-east-1"};

  std::string create(const std::string& name, const json& definition,
                     const std::string& type = "STANDARD") {
    return svc->create_state_machine(scope, {{"name", name},
                                             {"definition", definition.dump()},
                                             {"roleArn", kRole},
                                             {"type", type}})["stateMachineArn"];
  }
  std::string start(const std::string& sm, const json& input = json::object(),
                    const std::string& name = "") {
    json in = {{"stateMachineArn", sm}, {"input", input.dump()}};
    if (!name.empty()) in["name"] = name;
    return svc->start_execution(scope, in)["executionArn"];
  }
  json describe(const std::string& ex) {
    return svc->describe_execution(scope, {{"executionArn", ex}});
  }
  json history(const std::string& ex, json extra = json::object()) {
    json in = {{"executionArn", ex}, {"maxResults", 1000}};
    in.update(extra);
    return svc->get_execution_history(scope, in)["events"];
  }
  void advance_s(double seconds) {
    scheduler.advance_by(static_cast<core::TimeMs>(seconds * 1000));
  }
  static std::string error_of(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const core::AwsError& e) {
      return e.type() + ": " + e.what();
    }
    return "no error";
  }
};

std::vector<std::string> types(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["type"]);
  return out;
}

void check_contiguous(const json& events) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i]["id"].get<std::int64_t>() == static_cast<std::int64_t>(i + 1));
    CHECK(events[i]["previousEventId"].get<std::int64_t>() < events[i]["id"].get<std::int64_t>());
  }
}

double ts_of(const json& event) { return event["timestamp"].get<double>(); }

json one_state(const std::string& name, json state) {
  return {{"StartAt", name}, {"States", {{name, std::move(state)}}}};
}

json wait_then_pass(int seconds) {
  return {{"StartAt", "W"},
          {"States",
           {{"W", {{"Type", "Wait"}, {"Seconds", seconds}, {"Next", "P"}}},
            {"P", {{"Type", "Pass"}, {"End", true}}}}}};
}

std::string token_from(const json& events) {
  for (const auto& e : events)
    if (e["type"] == "TaskScheduled")
      return json::parse(e["taskScheduledEventDetails"]["parameters"].get<std::string>())["Token"];
  return "";
}

json callback_machine() {
  return one_state("T", {{"Type", "Task"},
                         {"Resource", std::string(kTask) + ".waitForTaskToken"},
                         {"Parameters", {{"Token.$", "$$.Task.Token"}, {"Output", "immediate"}}},
                         {"End", true}});
}
}  // namespace

TEST_CASE("start, describe and history of a Pass machine") {
  // Why: the basic start → SUCCEEDED path with F-100/F-101 ids, all inside StartExecution.
  Fixture f;
  const auto sm =
      f.create("pass", one_state("P", {{"Type", "Pass"}, {"Result", {{"r", 1}}}, {"End", true}}));
  const auto ex = f.start(sm, {{"in", true}}, "run-1");
  CHECK(ex == "arn:aws:states:us-east-1:123456789012:execution:pass:run-1");
  const json d = f.describe(ex);
  CHECK(d["status"] == "SUCCEEDED");
  CHECK(json::parse(d["output"].get<std::string>()) == json{{"r", 1}});
  CHECK(d["startDate"] == json(kT0 / 1000.0));
  CHECK(d["stopDate"] == json(kT0 / 1000.0));
  const json events = f.history(ex);
  CHECK(types(events) == std::vector<std::string>{"ExecutionStarted", "PassStateEntered",
                                                  "PassStateExited", "ExecutionSucceeded"});
  check_contiguous(events);
  CHECK(events[0]["previousEventId"] == 0);
  CHECK(events[1]["previousEventId"] == 0);
  CHECK(f.svc->executions_running() == 0);
}

TEST_CASE("a Wait ends exactly after its Seconds on the manual clock") {
  // Why: waits are scheduler timers, committed before they are armed; nothing early or late.
  Fixture f;
  const auto ex = f.start(f.create("w", wait_then_pass(10)));
  f.advance_s(9.999);
  CHECK(f.describe(ex)["status"] == "RUNNING");
  f.advance_s(0.001);
  CHECK(f.describe(ex)["status"] == "SUCCEEDED");
  const json events = f.history(ex);
  CHECK(ts_of(events[2]) == doctest::Approx(kT0 / 1000.0 + 10));
  check_contiguous(events);
}

TEST_CASE("restart: a Wait resumes from the stored snapshot with contiguous history") {
  // Why: the runner promise in service.hpp (history + snapshot before timers) across a restart.
  const auto dir =
      std::filesystem::temp_directory_path() / ("scl-sfn-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "db.sqlite").string();
  std::string ex;
  std::size_t events_before = 0;
  {
    Fixture f(path);
    const auto sm =
        f.create("restart", {{"StartAt", "A"},
                             {"States",
                              {{"A", {{"Type", "Pass"}, {"Result", 7}, {"Next", "W"}}},
                               {"W", {{"Type", "Wait"}, {"Seconds", 60}, {"Next", "B"}}},
                               {"B", {{"Type", "Pass"}, {"End", true}}}}}});
    ex = f.start(sm);
    f.advance_s(20);
    events_before = f.history(ex).size();
    CHECK(events_before == 4);
  }
  {
    Fixture f(path, kT0 + 20'000);
    CHECK(f.svc->recover() == 1);
    CHECK(f.describe(ex)["status"] == "RUNNING");
    f.advance_s(39.9);
    CHECK(f.describe(ex)["status"] == "RUNNING");
    CHECK(f.history(ex).size() == events_before);
    f.advance_s(0.1);
    const json d = f.describe(ex);
    CHECK(d["status"] == "SUCCEEDED");
    CHECK(d["output"] == "7");
    const json events = f.history(ex);
    check_contiguous(events);
    CHECK(events.size() == 8);
    CHECK(ts_of(events[4]) == doctest::Approx(kT0 / 1000.0 + 60));
    CHECK(f.svc->recover() == 0);  // nothing left to resume
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("restart: a timed task resumes with its original deadline") {
  // Why: a task that was running at shutdown must answer at start + Seconds, not restart + Seconds.
  const auto dir =
      std::filesystem::temp_directory_path() / ("scl-sfn-task-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "db.sqlite").string();
  std::string ex;
  {
    Fixture f(path);
    ex = f.start(
        f.create("timed", one_state("T", {{"Type", "Task"},
                                          {"Resource", kTask},
                                          {"Parameters", {{"Seconds", 10}, {"Output", "x"}}},
                                          {"End", true}})));
    f.advance_s(4);
  }
  {
    Fixture f(path, kT0 + 4'000);
    CHECK(f.svc->recover() == 1);
    f.advance_s(5.9);
    CHECK(f.describe(ex)["status"] == "RUNNING");
    f.advance_s(0.1);
    CHECK(f.describe(ex)["status"] == "SUCCEEDED");
    const json events = f.history(ex);
    check_contiguous(events);
    CHECK(events[4]["type"] == "TaskSucceeded");
    CHECK(ts_of(events[4]) == doctest::Approx(kT0 / 1000.0 + 10));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("stop: ABORTED with empty details, pending Wait cancelled") {
  // Why: F-103 and no resurrection of a stopped execution by its old timer.
  Fixture f;
  const auto ex = f.start(f.create("stop", wait_then_pass(100)));
  f.advance_s(5);
  const json out = f.svc->stop_execution(f.scope, {{"executionArn", ex}});
  CHECK(out["stopDate"] == json((kT0 + 5000) / 1000.0));
  CHECK(f.describe(ex)["status"] == "ABORTED");
  const json events = f.history(ex);
  CHECK(events.back()["type"] == "ExecutionAborted");
  CHECK(events.back()["executionAbortedEventDetails"] == json::object());
  check_contiguous(events);
  f.advance_s(200);
  CHECK(f.history(ex).size() == events.size());
  CHECK(f.describe(ex)["status"] == "ABORTED");
  CHECK(f.svc->stop_execution(f.scope, {{"executionArn", ex}})["stopDate"] == out["stopDate"]);
  CHECK(f.svc->executions_running() == 0);
}

TEST_CASE("start idempotency by name (F-111)") {
  // Why: same name + input while RUNNING returns the original; other input or closed → error.
  Fixture f;
  const auto sm = f.create("idem", wait_then_pass(10));
  const auto ex = f.start(sm, {{"a", 1}}, "n");
  f.advance_s(1);
  const json again = f.svc->start_execution(
      f.scope, {{"stateMachineArn", sm}, {"name", "n"}, {"input", json{{"a", 1}}.dump()}});
  CHECK(again["executionArn"] == ex);
  CHECK(again["startDate"] == json(kT0 / 1000.0));
  CHECK(Fixture::error_of([&] {
          f.start(sm, {{"a", 2}}, "n");
        }) == "ExecutionAlreadyExists: Execution Already Exists: '" + ex + "'");
  f.advance_s(10);
  CHECK(Fixture::error_of([&] {
          f.start(sm, {{"a", 1}}, "n");
        }).rfind("ExecutionAlreadyExists", 0) == 0);
}

TEST_CASE("sync execution answers through the callback when the execution ends") {
  // Why: StartSyncExecution is asynchronous; the response is produced only at the end.
  Fixture f;
  const auto sm = f.create(
      "sync", one_state("W", {{"Type", "Wait"}, {"Seconds", 3}, {"End", true}}), "EXPRESS");
  std::optional<json> response;
  f.svc->start_sync_execution(f.scope, {{"stateMachineArn", sm}, {"input", "{\"k\":1}"}},
                              [&](std::function<json()> produce) { response = produce(); });
  CHECK_FALSE(response.has_value());
  f.advance_s(3);
  REQUIRE(response.has_value());
  CHECK((*response)["status"] == "SUCCEEDED");
  CHECK((*response)["output"] == "{\"k\":1}");
  CHECK((*response)["billingDetails"] ==
        json{{"billedMemoryUsedInMB", 64}, {"billedDurationInMilliseconds", 3000}});
  CHECK((*response)["executionArn"].get<std::string>().rfind(
            "arn:aws:states:us-east-1:123456789012:express:sync:", 0) == 0);

  const auto standard = f.create("std", wait_then_pass(1));
  std::string error;
  f.svc->start_sync_execution(
      f.scope, {{"stateMachineArn", standard}},
      [&](std::function<json()> produce) { error = Fixture::error_of([&] { produce(); }); });
  CHECK(error ==
        "StateMachineTypeNotSupported: This operation is not supported by this type of state "
        "machine");
}

TEST_CASE("waitForTaskToken waits for SendTaskSuccess") {
  // Why: `.waitForTaskToken` must not complete from the integration's own answer; only the token.
  Fixture f;
  const auto ex = f.start(f.create("cb", callback_machine()));
  f.advance_s(30);
  CHECK(f.describe(ex)["status"] == "RUNNING");
  const std::string token = token_from(f.history(ex));
  REQUIRE_FALSE(token.empty());
  f.svc->send_task_success(f.scope, {{"taskToken", token}, {"output", "{\"done\":true}"}});
  const json d = f.describe(ex);
  CHECK(d["status"] == "SUCCEEDED");
  CHECK(json::parse(d["output"].get<std::string>()) == json{{"done", true}});
  check_contiguous(f.history(ex));
  CHECK(Fixture::error_of([&] {
          f.svc->send_task_success(f.scope, {{"taskToken", token}, {"output", "{}"}});
        }).rfind("TaskDoesNotExist", 0) == 0);
}

TEST_CASE("waitForTaskToken: SendTaskFailure and heartbeat timeout") {
  // Why: the failure path of callbacks and HeartbeatSeconds reset by SendTaskHeartbeat.
  Fixture f;
  const auto ex = f.start(f.create("cbf", callback_machine()));
  f.svc->send_task_failure(
      f.scope, {{"taskToken", token_from(f.history(ex))}, {"error", "W.E"}, {"cause", "c"}});
  json d = f.describe(ex);
  CHECK(d["status"] == "FAILED");
  CHECK(d["error"] == "W.E");
  CHECK(d["cause"] == "c");

  json hb = callback_machine();
  hb["States"]["T"]["HeartbeatSeconds"] = 10;
  const auto ex2 = f.start(f.create("hb", hb));
  const std::string token = token_from(f.history(ex2));
  f.advance_s(8);
  f.svc->send_task_heartbeat(f.scope, {{"taskToken", token}});
  f.advance_s(8);
  CHECK(f.describe(ex2)["status"] == "RUNNING");
  f.advance_s(2);
  d = f.describe(ex2);
  CHECK(d["status"] == "FAILED");
  CHECK(d["error"] == "States.HeartbeatTimeout");
}

TEST_CASE("restart while waiting for a task token") {
  // Why: tokens are rebuilt by recover(); the resumed task must not run the integration again.
  const auto dir =
      std::filesystem::temp_directory_path() / ("scl-sfn-token-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "db.sqlite").string();
  std::string ex;
  std::string token;
  {
    Fixture f(path);
    ex = f.start(f.create("tok", callback_machine()));
    token = token_from(f.history(ex));
  }
  {
    Fixture f(path, kT0 + 1000);
    CHECK(f.svc->recover() == 1);
    f.advance_s(1);
    CHECK(f.describe(ex)["status"] == "RUNNING");
    f.svc->send_task_success(f.scope, {{"taskToken", token}, {"output", "1"}});
    CHECK(f.describe(ex)["status"] == "SUCCEEDED");
    check_contiguous(f.history(ex));
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("retry back-off intervals on the manual clock") {
  // Why: IntervalSeconds × BackoffRate^(n-1) at exact instants (reference 4.5).
  Fixture f;
  const auto ex = f.start(f.create(
      "retry",
      one_state(
          "T",
          {{"Type", "Task"},
           {"Resource", kTask},
           {"Parameters",
            {{"FailWhileAttemptBelow", 2}, {"Attempt.$", "$$.State.RetryCount"}, {"Output", "ok"}}},
           {"Retry",
            json::array(
                {{{"ErrorEquals", {"States.ALL"}}, {"IntervalSeconds", 2}, {"BackoffRate", 3}}})},
           {"End", true}})));
  f.advance_s(8);
  CHECK(f.describe(ex)["status"] == "SUCCEEDED");
  std::vector<double> scheduled;
  for (const auto& e : f.history(ex))
    if (e["type"] == "TaskScheduled") scheduled.push_back(ts_of(e) - kT0 / 1000.0);
  REQUIRE(scheduled.size() == 3);
  CHECK(scheduled[0] == doctest::Approx(0));
  CHECK(scheduled[1] == doctest::Approx(2));
  CHECK(scheduled[2] == doctest::Approx(8));
}

TEST_CASE("history paging and reverse order") {
  // Why: nextToken chains pages without gaps or repeats, both directions (F-102).
  Fixture f;
  const auto ex = f.start(f.create("pages", wait_then_pass(0)));
  f.scheduler.run_due();  // a Wait of 0 s is a timer due now; the manual clock runs it here
  const json all = f.history(ex);
  REQUIRE(all.size() == 6);
  for (bool reverse : {false, true}) {
    json got = json::array();
    std::string token;
    do {
      json in = {{"executionArn", ex}, {"maxResults", 4}, {"reverseOrder", reverse}};
      if (!token.empty()) in["nextToken"] = token;
      const json page = f.svc->get_execution_history(f.scope, in);
      for (const auto& e : page["events"]) got.push_back(e);
      token = page.value("nextToken", "");
    } while (!token.empty());
    json expected = all;
    if (reverse) std::reverse(expected.begin(), expected.end());
    CHECK(got == expected);
  }
}

TEST_CASE("concurrent StartExecution with one name launches one execution") {
  // Why: the name check and the launch must be atomic; a second launch of the same ARN would
  // hit the UNIQUE index inside the runner (DbError, 500) and orphan the first execution.
  Fixture f;
  const auto sm = f.create("race", wait_then_pass(100));
  constexpr int kRounds = 60;
  constexpr int kThreads = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string name = "n" + std::to_string(round);
    std::vector<std::string> outcomes(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        try {
          outcomes[static_cast<std::size_t>(t)] = f.start(sm, {{"same", true}}, name);
        } catch (const core::AwsError& e) {
          outcomes[static_cast<std::size_t>(t)] = e.type();
        } catch (const std::exception& e) {
          outcomes[static_cast<std::size_t>(t)] = std::string("exception: ") + e.what();
        }
      });
    }
    for (auto& th : threads) th.join();
    const std::string arn = "arn:aws:states:us-east-1:123456789012:execution:race:" + name;
    for (const auto& o : outcomes) {
      INFO("outcome: " << o);
      CHECK((o == arn || o == "ExecutionAlreadyExists"));
    }
  }
  CHECK(f.svc->executions_running() == kRounds);
  const json listed =
      f.svc->list_executions(f.scope, {{"stateMachineArn", sm}, {"maxResults", 1000}});
  CHECK(listed["executions"].size() == kRounds);
  f.advance_s(100);
  CHECK(f.svc->executions_running() == 0);
}

TEST_CASE("invalid execution input uses Jackson's text for a bare word (F-112)") {
  // Why: SDK users match AWS's recorded message; nothing may be started for bad input.
  Fixture f;
  const auto sm = f.create("input", wait_then_pass(1));
  CHECK(Fixture::error_of([&] {
          f.svc->start_execution(f.scope, {{"stateMachineArn", sm}, {"input", "not json"}});
        }) ==
        "InvalidExecutionInput: Invalid State Machine Execution Input: 'Unrecognized token "
        "'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' "
        "or 'false')'");
  CHECK(Fixture::error_of([&] {
          f.svc->start_execution(f.scope, {{"stateMachineArn", sm}, {"input", "{\"a\":"}});
        }).rfind("InvalidExecutionInput: Invalid State Machine Execution Input: '", 0) == 0);
  CHECK(f.svc->start_execution(f.scope, {{"stateMachineArn", sm}, {"input", "null"}})
            .contains("executionArn"));
  CHECK(f.svc->executions_running() == 1);
}

// ---- issue 11: failure isolation ---------------------------------------------------------------

TEST_CASE("a first step whose commit fails is acknowledged only with its failure stored") {
  // Why: issue 11 finding 3: StartExecution answered 200, then the execution did not exist.
  Fixture f;
  const auto sm = f.create("commit-first", wait_then_pass(5));
  f.db.fail_nth_step_for_testing(3);  // after two reads (machine, name check): the insert
  const auto ex = f.start(sm, {{"k", 1}}, "first");
  const json d = f.describe(ex);
  CHECK(d["status"] == "FAILED");
  CHECK(d["error"] == "States.Runtime");
  CHECK(d["cause"].get<std::string>().find("could not store") != std::string::npos);
  const json h = f.history(ex);
  CHECK(types(h) == std::vector<std::string>{"ExecutionStarted", "ExecutionFailed"});
  check_contiguous(h);
  CHECK(f.svc->executions_running() == 0);
  CHECK(f.scheduler.pending() == 0);  // the Wait's timer was never armed
}

TEST_CASE("a later step whose commit fails ends the execution, committed, and frees it") {
  // Why: issue 11 findings 3 and 5: the execution stayed RUNNING forever (or in memory) after a
  // failed commit; StopExecution then had no effect.
  Fixture f;
  const auto sm = f.create("commit-later", wait_then_pass(5));
  const auto ex = f.start(sm, {{"k", 1}}, "later");
  const auto before = f.history(ex);
  REQUIRE(types(before).back() == "WaitStateEntered");
  f.db.fail_nth_step_for_testing(1);  // the update of the step after the Wait
  f.advance_s(5);
  const json d = f.describe(ex);
  CHECK(d["status"] == "FAILED");
  CHECK(d["error"] == "States.Runtime");
  const json h = f.history(ex);
  REQUIRE(h.size() == before.size() + 1);
  CHECK(h.back()["type"] == "ExecutionFailed");
  CHECK(h.back()["previousEventId"] == before.back()["id"]);
  check_contiguous(h);
  CHECK(f.svc->executions_running() == 0);
  CHECK(f.svc->stop_execution(f.scope, {{"executionArn", ex}}).contains("stopDate"));
  CHECK(f.describe(ex)["status"] == "FAILED");
}

TEST_CASE("when nothing can be stored, StartExecution answers an error and nothing exists") {
  // Why: an acknowledgement promises the execution exists; without any commit there is none.
  Fixture f;
  const auto sm = f.create("commit-none", wait_then_pass(5));
  f.db.fail_nth_step_for_testing(3, 2);  // the insert, and the insert of the failure record
  json in = {{"stateMachineArn", sm}, {"name", "none"}, {"input", "{}"}};
  CHECK(Fixture::error_of([&] { f.svc->start_execution(f.scope, in); })
            .rfind("InternalFailure: The execution could not be stored", 0) == 0);
  CHECK(Fixture::error_of([&] {
          f.describe("arn:aws:states:us-east-1:123456789012:execution:commit-none:none");
        }).rfind("ExecutionDoesNotExist", 0) == 0);
  CHECK(f.svc->executions_running() == 0);
  // The name is free again.
  CHECK(f.start(sm, json::object(), "none").size() > 0);
}

namespace {
// Holds posted work until run_all(): lets a test put a reset between a step and its commit.
class GatedExecutor final : public core::Executor {
 public:
  void post(Task task) override {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
  }
  std::size_t run_all() {
    std::size_t n = 0;
    for (;;) {
      Task t;
      {
        std::lock_guard lock(mu_);
        if (tasks_.empty()) return n;
        t = std::move(tasks_.front());
        tasks_.pop_front();
      }
      t();
      ++n;
    }
  }

 private:
  std::mutex mu_;
  std::deque<Task> tasks_;
};
}  // namespace

TEST_CASE("a step computed across a reset writes nothing into what comes after it") {
  // Why: issue 11 finding 6: a step in flight during POST /_emulator/reset committed afterwards
  // under a reused executions.seq; a later execution then read another's output and history.
  Fixture f;
  GatedExecutor gate;
  f.svc = std::make_unique<sfn::StepFunctionsService>(f.db, f.scheduler, f.ids, f.registry, &gate);
  auto sm = f.create("reset-race", wait_then_pass(5));
  std::optional<json> answer;
  f.svc->start_execution_async(
      f.scope, {{"stateMachineArn", sm}, {"name", "same"}, {"input", "{\"old\": true}"}},
      [&](const std::function<json()>& produce) { answer = produce(); });
  CHECK_FALSE(answer);   // not answered before its commit
  f.svc->reset();        // the first step has not run yet
  gate.run_all();        // now it runs, and must commit nothing
  REQUIRE(answer);
  sm = f.create("reset-race", wait_then_pass(5));
  std::optional<json> second;
  f.svc->start_execution_async(
      f.scope, {{"stateMachineArn", sm}, {"name", "same"}, {"input", "{\"new\": true}"}},
      [&](const std::function<json()>& produce) { second = produce(); });
  gate.run_all();
  REQUIRE(second);
  const std::string ex = (*second)["executionArn"];
  const json d = f.describe(ex);
  CHECK(d["status"] == "RUNNING");
  CHECK(d["input"] == "{\"new\": true}");
  const json h = f.history(ex);
  CHECK(types(h) == std::vector<std::string>{"ExecutionStarted", "WaitStateEntered"});
  check_contiguous(h);
  f.advance_s(5);
  gate.run_all();
  CHECK(f.describe(ex)["status"] == "SUCCEEDED");
  CHECK(types(f.history(ex)).size() == 6);
}

TEST_CASE("the compiled-definition cache is bounded in bytes and dropped with its machine") {
  // Why: issue 11 finding 7: 100 distinct 0.76 MiB definitions kept +19 MiB of RSS each, with
  // nothing released by DeleteStateMachine or reset.
  Fixture f;
  auto big = [](int i) {
    json states = json::object();
    const std::string pad(40000, static_cast<char>('a' + i % 26));
    states["P"] = {{"Type", "Pass"}, {"Result", {{"pad", pad}, {"i", i}}}, {"End", true}};
    return json{{"StartAt", "P"}, {"States", states}};
  };
  std::vector<std::string> arns;
  for (int i = 0; i < 80; ++i) arns.push_back(f.create("big-" + std::to_string(i), big(i)));
  CHECK(f.svc->compiled_cache_bytes() <= 64u * 1024 * 1024);
  CHECK(f.svc->compiled_cache_entries() < 80);
  const std::size_t entries = f.svc->compiled_cache_entries();
  f.svc->delete_state_machine(f.scope, {{"stateMachineArn", arns.back()}});
  CHECK(f.svc->compiled_cache_entries() == entries - 1);
  // Validate and failed creates leave nothing behind.
  f.svc->validate_state_machine_definition(f.scope, {{"definition", big(99).dump()}});
  CHECK(Fixture::error_of([&] { f.create("big-0", big(98)); }).rfind("StateMachineAlreadyExists", 0) == 0);
  CHECK(f.svc->compiled_cache_entries() == entries - 1);
  f.svc->reset();
  CHECK(f.svc->compiled_cache_entries() == 0);
  CHECK(f.svc->compiled_cache_bytes() == 0);
}

TEST_CASE("recovery fails an execution whose snapshot cannot be resumed, and resumes the others") {
  // Why: issue 11 finding 2: one bad row must not take the rest of the data with it, and must not
  // stay RUNNING forever.
  const auto path =
      std::filesystem::temp_directory_path() / ("scl-sfn-recover-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  std::string good;
  std::string bad;
  {
    Fixture f(path.string());
    const auto sm = f.create("rec", wait_then_pass(5));
    good = f.start(sm, json::object(), "good");
    bad = f.start(sm, json::object(), "bad");
    f.db.write([&](store::Tx& tx) {
      tx.exec("UPDATE execution_parts SET body = '{\"version\": 99}' WHERE kind = 0 AND id = 0 AND "
              "execution_seq = (SELECT seq FROM executions WHERE name = 'bad')");
    });
  }
  {
    Fixture f(path.string(), kT0 + 1000);
    CHECK(f.svc->recover() == 1);
    const json d = f.describe(bad);
    CHECK(d["status"] == "FAILED");
    CHECK(d["cause"].get<std::string>().rfind("The emulator could not resume this execution", 0) == 0);
    const json h = f.history(bad);
    CHECK(h.back()["type"] == "ExecutionFailed");
    check_contiguous(h);
    f.advance_s(10);
    CHECK(f.describe(good)["status"] == "SUCCEEDED");
  }
  // An execution the process crashed on twice is failed instead of resumed.
  std::string ex;
  std::int64_t seq = 0;
  {
    Fixture f(path.string(), kT0 + 20000);
    ex = f.start("arn:aws:states:us-east-1:123456789012:stateMachine:rec", json::object(), "crashy");
    seq = f.db.read([](store::Tx& tx) {
      auto s = tx.prepare("SELECT seq FROM executions WHERE name = 'crashy'");
      s.step();
      return s.int64(0);
    });
  }
  {
    Fixture g(path.string(), kT0 + 21000);
    CHECK(g.svc->recover({seq}) == 1);  // first crash: resumed
  }
  {
    Fixture h(path.string(), kT0 + 22000);
    CHECK(h.svc->recover({seq}) == 0);  // second: failed
    const json d = h.describe(ex);
    CHECK(d["status"] == "FAILED");
    CHECK(d["cause"].get<std::string>().find("crashed 2 times") != std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST_CASE("an execution stored as one whole snapshot (before parts) resumes and moves to parts") {
  // Why: data directories from earlier versions hold executions.state snapshots; they must still
  // resume after the upgrade, and their next step writes parts.
  const auto path = std::filesystem::temp_directory_path() /
                    ("scl-sfn-legacy-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  std::string ex;
  {
    Fixture f(path.string());
    const auto sm = f.create("legacy", wait_then_pass(5));
    ex = f.start(sm, {{"k", "v"}}, "old");
    // Rewrite it the way the previous version stored it: {"stepper", "timers", "tasks"}.
    f.db.write([&](store::Tx& tx) {
      auto s = tx.prepare("SELECT seq FROM executions WHERE name = 'old'");
      s.step();
      const auto seq = s.int64(0);
      std::vector<asl::SnapshotPart> parts;
      json timers = json::array();
      for (auto& p : store::sfn_repo::parts(tx, seq)) {
        if (p.kind == static_cast<int>(asl::PartKind::kRunnerTimer)) {
          timers.push_back(json::array({p.id, std::stoll(p.body)}));
        } else if (p.kind < static_cast<int>(asl::PartKind::kRunnerTask)) {
          parts.push_back(asl::SnapshotPart{static_cast<asl::PartKind>(p.kind),
                                            static_cast<std::uint64_t>(p.id),
                                            static_cast<std::uint64_t>(p.sub), p.body});
        }
      }
      REQUIRE(timers.size() == 1);
      const auto machine = asl::compile(wait_then_pass(5).dump()).machine;
      asl::SeededRandomSource random(1);
      const json whole = {{"stepper", asl::Stepper::from_parts(machine, random, parts).to_json()},
                          {"timers", timers},
                          {"tasks", json::array()}};
      store::sfn_repo::erase_parts(tx, seq);
      auto u = tx.prepare("UPDATE executions SET state = ?1 WHERE seq = ?2");
      u.bind(1, whole.dump()).bind(2, seq);
      u.run();
    });
  }
  {
    Fixture f(path.string(), kT0 + 1000);
    CHECK(f.svc->recover() == 1);
    f.advance_s(5);
    const json d = f.describe(ex);
    CHECK(d["status"] == "SUCCEEDED");
    CHECK(d["output"] == "{\"k\":\"v\"}");
    check_contiguous(f.history(ex));
  }
  std::filesystem::remove(path);
}
