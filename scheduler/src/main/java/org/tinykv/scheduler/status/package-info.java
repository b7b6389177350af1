/** Observability: counters of the scheduler and the HTTP status server (Prometheus /metrics, JSON /status). */
package org.tinykv.scheduler.status;
