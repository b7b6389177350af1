/**
 * tinyscheduler-server: the launcher ({@link org.tinykv.scheduler.SchedulerMain}), the wiring of one scheduler
 * ({@link org.tinykv.scheduler.SchedulerServer}) and the {@link org.tinykv.scheduler.Coordinator} loop that runs
 * the checkers and balance schedulers.
 */
package org.tinykv.scheduler;
