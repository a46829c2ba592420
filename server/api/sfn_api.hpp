#pragma once
// Step Functions JSON 1.0 operations (target prefix AWSStepFunctions).

#include "server/protocol/router.hpp"

namespace scl::sfn {
class StepFunctionsService;
}

namespace scl::server {

/// The Step Functions API over `service`, which must outlive it.
ServiceApi sfn_api(sfn::StepFunctionsService& service);

}  // namespace scl::server
