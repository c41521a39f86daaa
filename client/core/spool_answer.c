/* The answer of each spooled request; see spool_answer.h. */
#include "spool_answer.h"

Aixin__V1__Response__BodyCase
spool_answer_expected(Aixin__V1__Request__BodyCase body)
{
    switch (body) {
    case AIXIN__V1__REQUEST__BODY_CREATE_ACCOUNT:
        return AIXIN__V1__RESPONSE__BODY_ACCOUNT;
    case AIXIN__V1__REQUEST__BODY_REGISTER_HOUSEHOLD:
        return AIXIN__V1__RESPONSE__BODY_HOUSEHOLD;
    case AIXIN__V1__REQUEST__BODY_ADD_CHILD:
        return AIXIN__V1__RESPONSE__BODY_CHILD;
    case AIXIN__V1__REQUEST__BODY_ENROLL:
        return AIXIN__V1__RESPONSE__BODY_POLICY;
    case AIXIN__V1__REQUEST__BODY_OPEN_POLICY_YEAR:
    case AIXIN__V1__REQUEST__BODY_UPDATE_POLICY_YEAR:
        return AIXIN__V1__RESPONSE__BODY_POLICY_YEAR;
    case AIXIN__V1__REQUEST__BODY_REGISTER_INSURER:
        return AIXIN__V1__RESPONSE__BODY_INSURER;
    case AIXIN__V1__REQUEST__BODY_SET_COUNTY_TERMS:
        return AIXIN__V1__RESPONSE__BODY_COUNTY_TERMS;
    case AIXIN__V1__REQUEST__BODY_SUBMIT_CENSUS:
        return AIXIN__V1__RESPONSE__BODY_CENSUS_ENTRY;
    case AIXIN__V1__REQUEST__BODY_RECORD_DISBURSEMENT:
        return AIXIN__V1__RESPONSE__BODY_DISBURSEMENT;
    default:
        return AIXIN__V1__RESPONSE__BODY__NOT_SET;
    }
}
