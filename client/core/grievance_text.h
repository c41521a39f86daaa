/*
 * Grievances and alerts in the user's language: the names the protocol
 * uses (grievances.proto) as words, and each alert as one sentence. Shared
 * by the command line and the desk.
 */
#ifndef AIXIN_CLIENT_GRIEVANCE_TEXT_H
#define AIXIN_CLIENT_GRIEVANCE_TEXT_H

#include <stddef.h>

#include "aixin/v1/grievances.pb-c.h"

/* open, assigned, answered, closed; an unknown name is returned as is. */
const char *grievance_status_text(const char *status);
/* visit, phone, letter. */
const char *grievance_channel_text(const char *channel);
/* claim, child, guardian, none. */
const char *grievance_subject_text(const char *kind);
/* critical, warning. */
const char *alert_severity_text(const char *severity);

/* One sentence saying what the alert is about, with its figure against its
 * threshold, e.g. "永丰县（中国人寿）：赔付率85.00%，高于预警线80.00%". */
#define ALERT_SENTENCE_SIZE 512
void alert_sentence(const Aixin__V1__Alert *a, char out[ALERT_SENTENCE_SIZE]);

#endif
