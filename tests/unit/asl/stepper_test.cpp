#include "engine/asl/stepper.hpp"

#include <doctest/doctest.h>

#include "harness.hpp"

using scl::asl::ExecutionStatus;
using scl::asl::Json;
using scl::asl::testing::compile_or_die;
using scl::asl::testing::run;

namespace {
std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}
}  // namespace

// Why: the framing rules of 3.7 (ids from 1, previousEventId chain, first StateEntered prev 0)
// and the exact detail member names of a request-response task.
TEST_CASE("task history framing and details") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:echo","Parameters":{"P.$":"$.v"},"End":true}}})J");
  auto r = run(m, Json::parse(R"({"v":1})"));
  REQUIRE(r.status == ExecutionStatus::kSucceeded);
  CHECK(joined(r.types()) ==
        "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskSucceeded,"
        "TaskStateExited,ExecutionSucceeded");
  for (std::size_t i = 0; i < r.events.size(); ++i) CHECK(r.events[i].id == static_cast<std::int64_t>(i + 1));
  CHECK(r.events[0].previous_event_id == 0);
  CHECK(r.events[1].previous_event_id == 0);
  for (std::size_t i = 2; i < r.events.size(); ++i) CHECK(r.events[i].previous_event_id == r.events[i - 1].id);
  CHECK(r.events[0].details_member == "executionStartedEventDetails");
  CHECK(r.events[0].details["input"] == R"({"v":1})");
  CHECK(r.events[0].details["roleArn"] == "arn:aws:iam::123456789012:role/r");
  const auto* sched = r.first("TaskScheduled");
  REQUIRE(sched);
  CHECK(sched->details_member == "taskScheduledEventDetails");
  CHECK(scl::asl::to_text(sched->details) ==
        R"({"resourceType":"test","resource":"echo","region":"us-east-1","parameters":"{\"P\":1}"})");
  CHECK(r.first("TaskSucceeded")->details["output"] == R"({"P":1})");
  CHECK(r.first("TaskStateExited")->details_member == "stateExitedEventDetails");
  CHECK(r.output == R"({"P":1})");
  CHECK(r.end_time == 1700000001000);
}

// Why: .sync adds TaskSubmitted between TaskStarted and TaskSucceeded (F-080).
TEST_CASE("sync task submits") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:echo.sync","TimeoutSeconds":30,"End":true}}})J");
  auto r = run(m, Json::object());
  CHECK(joined(r.types()) ==
        "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskSubmitted,TaskSucceeded,"
        "TaskStateExited,ExecutionSucceeded");
  CHECK(r.first("TaskScheduled")->details["timeoutInSeconds"] == 30);
  CHECK(r.first("TaskScheduled")->details["resource"] == "echo.sync");
}

// Why: uncaught task failure goes straight to ExecutionFailed (F-106) with error and cause.
TEST_CASE("uncaught task failure") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:fail","Parameters":{"Error":"CodeBuild.X","Cause":"boom"},"End":true}}})J");
  auto r = run(m, Json::object());
  CHECK(r.status == ExecutionStatus::kFailed);
  CHECK(r.error == "CodeBuild.X");
  CHECK(r.cause == "boom");
  CHECK(joined(r.types()) ==
        "ExecutionStarted,TaskStateEntered,TaskScheduled,TaskStarted,TaskFailed,ExecutionFailed");
  CHECK(r.events.back().details == Json::parse(R"({"error":"CodeBuild.X","cause":"boom"})"));
}

// Why: Retry back-off is a timer: IntervalSeconds * BackoffRate^n, capped by MaxDelaySeconds.
TEST_CASE("retry backoff timing") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:flaky","Parameters":{"FailTimes":3,"DelaySeconds":0},
      "Retry":[{"ErrorEquals":["Test.Flaky"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3,
                "MaxDelaySeconds":10}],"End":true}}})J");
  auto r = run(m, Json::object());
  REQUIRE(r.status == ExecutionStatus::kSucceeded);
  CHECK(r.output == R"({"Attempts":4})");
  // 2 s + 6 s + min(18, 10) s of back-off.
  CHECK(r.end_time - 1700000000000 == 18000);
  CHECK(r.tasks.size() == 4);
}

// Why: task TimeoutSeconds produces TaskTimedOut without cause and cancels the task (F-104).
TEST_CASE("task timeout") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:never","TimeoutSeconds":5,"End":true}}})J");
  auto r = run(m, Json::object());
  CHECK(r.status == ExecutionStatus::kFailed);
  CHECK(r.error == "States.Timeout");
  CHECK_FALSE(r.cause.has_value());
  CHECK(r.first("TaskTimedOut")->details ==
        Json::parse(R"({"resourceType":"test","resource":"never","error":"States.Timeout"})"));
  CHECK(r.events.back().details == Json::parse(R"({"error":"States.Timeout"})"));
  CHECK(r.cancelled_tasks.size() == 1);
  CHECK(r.end_time - 1700000000000 == 5000);
}

// Why: StopExecution aborts with ExecutionAborted{error,cause}, previousEventId 0, cancels tasks.
TEST_CASE("stop aborts and cancels") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:never","End":true}}})J");
  scl::asl::testing::RunOptions o;
  o.stop_at = 1700000003000;
  o.stop_error = "Err";
  auto r = run(m, Json::object(), o);
  CHECK(r.status == ExecutionStatus::kAborted);
  CHECK(r.events.back().type == "ExecutionAborted");
  CHECK(r.events.back().previous_event_id == 0);
  CHECK(r.events.back().details == Json::parse(R"({"error":"Err"})"));
  CHECK(r.cancelled_tasks.size() == 1);
}

// Why: the context object ($$) reaches Parameters, including the task token.
TEST_CASE("context object and task token") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:token.waitForTaskToken",
      "Parameters":{"Tok.$":"$$.Task.Token","Id.$":"$$.Execution.Id","N.$":"$$.State.Name",
                    "Start.$":"$$.Execution.StartTime","Retry.$":"$$.State.RetryCount"},"End":true}}})J");
  auto r = run(m, Json::object());
  REQUIRE(r.tasks.size() == 1);
  const Json& p = r.tasks[0].parameters;
  CHECK(p["Tok"] == r.tasks[0].task_token.value());
  CHECK(p["Id"] == "arn:aws:states:us-east-1:123456789012:execution:sm:exec");
  CHECK(p["N"] == "T");
  CHECK(p["Start"] == "2023-11-14T22:13:20.000Z");
  CHECK(p["Retry"] == 0);
  CHECK(r.output == Json({{"Token", p["Tok"]}}).dump());
}

// Why: the state machine TimeoutSeconds ends the execution as TIMED_OUT.
TEST_CASE("execution timeout") {
  auto m = compile_or_die(R"J({"StartAt":"W","TimeoutSeconds":3,"States":{"W":{"Type":"Wait","Seconds":10,"End":true}}})J");
  auto r = run(m, Json::object());
  CHECK(r.status == ExecutionStatus::kTimedOut);
  CHECK(r.events.back().type == "ExecutionTimedOut");
  CHECK(r.end_time - 1700000000000 == 3000);
}

// Why: Parallel branch events chain from ParallelStateStarted; a failing branch aborts siblings.
TEST_CASE("parallel failure aborts siblings") {
  auto m = compile_or_die(R"J({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
      {"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"arn:aws:states:::test:never","End":true}}},
      {"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"E","Cause":"C"}}}]}}})J");
  auto r = run(m, Json::object());
  CHECK(r.status == ExecutionStatus::kFailed);
  CHECK(r.error == "E");
  CHECK(joined(r.types()) ==
        "ExecutionStarted,ParallelStateEntered,ParallelStateStarted,TaskStateEntered,TaskScheduled,"
        "TaskStarted,FailStateEntered,TaskStateAborted,ParallelStateFailed,ExecutionFailed");
  const auto* started = r.first("ParallelStateStarted");
  CHECK(r.first("TaskStateEntered")->previous_event_id == started->id);
  CHECK(r.first("FailStateEntered")->previous_event_id == started->id);
  CHECK(r.cancelled_tasks.size() == 1);
}

// Why: States.Runtime cannot be caught, and its cause names the state and entered event id.
TEST_CASE("runtime errors are not catchable") {
  auto m = compile_or_die(R"J({"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$.missing"},"End":true}}})J");
  auto r = run(m, Json::parse(R"({"a":1})"));
  CHECK(r.status == ExecutionStatus::kFailed);
  CHECK(r.error == "States.Runtime");
  CHECK(r.cause ==
        "An error occurred while executing the state 'P' (entered at the event id #2). The "
        "JSONPath '$.missing' specified for the field 'x.$' could not be found in the input "
        "'{\"a\":1}'");
}

// Why: the runner stores HistoryEvent::to_text() (written without building a Json copy); it must
// stay byte-identical to the Json form that GetExecutionHistory and snapshots read back.
TEST_CASE("history event text equals its Json form") {
  auto m = compile_or_die(R"J({"StartAt":"P","States":{"P":{"Type":"Pass",
      "Parameters":{"s.$":"$.s","ctx.$":"$$.State.Name"},"Next":"F"},
      "F":{"Type":"Fail","Error":"E\"rr","Cause":"caus\u00e9\n"}}})J");
  auto r = run(m, Json::parse(R"({"s":"\u00fcnicode \"quoted\" \\ back","n":[1,2.5,null]})"));
  REQUIRE(r.status == ExecutionStatus::kFailed);
  REQUIRE(r.events.size() >= 5);
  for (const auto& e : r.events) {
    CHECK(e.to_text() == scl::asl::to_text(e.to_json()));
    CHECK(Json::parse(e.to_text()) == e.to_json());
  }
}

// Why: AWS runs at most 40 inline Map iterations at once ("up to 40 concurrent iterations"),
// and it bounds the memory of a fan-out (issue 11 finding 5).
TEST_CASE("inline Map runs at most 40 iterations at once") {
  for (const auto& [conc, expected] : {std::pair{0, 40}, std::pair{100, 40}, std::pair{7, 7}}) {
    auto m = compile_or_die(R"J({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":)J" +
                            std::to_string(conc) + R"J(,"ItemProcessor":{"StartAt":"T","States":{
        "T":{"Type":"Task","Resource":"arn:aws:states:::test:never","End":true}}},"End":true}}})J");
    Json items = Json::array();
    for (int i = 0; i < 100; ++i) items.push_back(i);
    auto r = run(m, items);
    CHECK(r.status == ExecutionStatus::kRunning);
    CHECK(r.tasks.size() == static_cast<std::size_t>(expected));
  }
}

// Why: issue 11 findings 3 and 10: one call of the stepper must not produce an unbounded amount
// of history (one commit of it exceeded SQLite's 1e9-byte string limit); it yields instead, and
// the execution goes on exactly as if it had not.
TEST_CASE("a long Pass chain yields every few hundred events and finishes unchanged") {
  Json states = Json::object();
  for (int i = 0; i < 600; ++i) {
    states["S" + std::to_string(i)] = {{"Type", "Pass"}};
    if (i == 599) states["S599"]["End"] = true;
    else states["S" + std::to_string(i)]["Next"] = "S" + std::to_string(i + 1);
  }
  auto m = compile_or_die(Json{{"StartAt", "S0"}, {"States", states}}.dump());
  auto r = run(m, Json{{"v", 1}});
  REQUIRE(r.status == ExecutionStatus::kSucceeded);
  CHECK(r.events.size() == 1202);
  CHECK(r.continues >= 2);
  for (std::size_t i = 0; i < r.events.size(); ++i) CHECK(r.events[i].id == static_cast<std::int64_t>(i + 1));
  // Big payloads yield sooner: 4 MiB of event text per call at most.
  auto big = run(m, Json{{"pad", std::string(100000, 'x')}});
  REQUIRE(big.status == ExecutionStatus::kSucceeded);
  CHECK(big.continues >= 25);
}

// Why: issue 11 finding 5: a fan-out of big iteration inputs must fail cleanly at the emulator's
// live-state limit instead of taking gigabytes (nested Maps: 40 x 40 iterations of 100 KB).
TEST_CASE("iterations holding more than the live-state limit fail the execution") {
  auto m = compile_or_die(R"J({"StartAt":"Outer","States":{"Outer":{"Type":"Map","ItemsPath":"$.items",
      "ItemSelector":{"pad.$":"$.pad","items.$":"$.items"},
      "ItemProcessor":{"StartAt":"Inner","States":{"Inner":{"Type":"Map","ItemsPath":"$.items",
        "ItemSelector":{"pad.$":"$.pad"},
        "ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1000,"End":true}}},
        "End":true}}},"End":true}}})J");
  Json items = Json::array();
  for (int i = 0; i < 40; ++i) items.push_back(i);
  // The limit lowered to 2 MiB keeps the case quick (under ASan too); 64 MiB behaves the same.
  scl::asl::testing::RunOptions opt;
  opt.configure = [](scl::asl::Stepper& s) { s.set_live_bytes_limit(2 * 1024 * 1024); };
  auto r = run(m, Json{{"items", items}, {"pad", std::string(10000, 'p')}}, opt);
  REQUIRE(r.status == ExecutionStatus::kFailed);
  CHECK(r.error == "States.Runtime");
  CHECK(r.cause->find("limit of 2 MiB of state data") != std::string::npos);
}

// Why: after a heartbeat timeout, the task's own timeout timer used to stay armed; when it fired
// later (in a Wait reached through Catch) the stepper threw bad_variant_access and the execution
// was wedged. A timer its frame no longer holds must be ignored.
TEST_CASE("the timeout of a task that ended by heartbeat timeout never fires later") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::test:never","TimeoutSeconds":10,
           "HeartbeatSeconds":2,"Next":"W","Catch":[{"ErrorEquals":["States.HeartbeatTimeout"],"Next":"W"}]},
      "W":{"Type":"Wait","Seconds":20,"End":true}}})J");
  auto r = run(m, Json::object());
  REQUIRE(r.status == ExecutionStatus::kSucceeded);
  CHECK(r.end_time == 1700000022000);
}

// Why: issue 11 finding 9: the runner persists only each step's changes; the harness restores
// the stepper from the accumulated parts after every call and compares. This case makes every
// kind of part change in separate calls: iterations finishing one by one (results), a retried
// Map (items and results replaced), a Parallel, a retry wait, a heartbeat.
TEST_CASE("snapshot parts restore the state after every call of a Map, Parallel and retries") {
  auto m = compile_or_die(R"J({"StartAt":"M","States":{
    "M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"DelaySeconds.$":"$$.Map.Item.Value"},
         "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::test:echo",
           "Parameters":{"DelaySeconds.$":"$.DelaySeconds"},"End":true}}},
         "ResultPath":"$.mapped","Next":"P"},
    "P":{"Type":"Parallel","ResultPath":"$.par","Branches":[
         {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::test:echo",
           "Parameters":{"DelaySeconds":2},"End":true}}},
         {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"arn:aws:states:::test:flaky",
           "Parameters":{"FailTimes":2,"DelaySeconds":1},
           "Retry":[{"ErrorEquals":["Test.Flaky"],"IntervalSeconds":1,"MaxAttempts":3}],"End":true}}}],
         "Next":"Done"},
    "Done":{"Type":"Pass","End":true}}})J");
  auto r = run(m, Json{{"items", Json::array({3, 1, 2, 1})}});
  REQUIRE(r.status == ExecutionStatus::kSucceeded);
  const Json out = Json::parse(*r.output);
  CHECK(out["mapped"] == Json::parse(R"([{"DelaySeconds":3},{"DelaySeconds":1},{"DelaySeconds":2},{"DelaySeconds":1}])"));
  CHECK(out["par"][1] == Json{{"Attempts", 3}});
}

// Why: issue 11 finding 3/10: history events keep AWS's member limits (cause 32768 and error 256
// characters), whatever an integration returns, and so does the execution's own cause.
TEST_CASE("error and cause are cut to AWS's history limits") {
  auto m = compile_or_die(R"J({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::test:fail","Parameters":{"Error.$":"$.e","Cause.$":"$.c"},"End":true}}})J");
  auto r = run(m, Json{{"e", std::string(300, 'E')}, {"c", std::string(40000, 'c')}});
  REQUIRE(r.status == ExecutionStatus::kFailed);
  const auto* failed = r.first("TaskFailed");
  REQUIRE(failed);
  CHECK(failed->details["cause"].get<std::string>().size() == 32767 + 3);  // + "…" (3 bytes)
  CHECK(failed->details["error"].get<std::string>().size() == 255 + 3);
  CHECK(r.cause->size() == 32767 + 3);
  CHECK(r.events.back().details["cause"] == *r.cause);
}
