/** The replica checker: keeps every region at max-replicas healthy replicas. */
package org.tinykv.scheduler.checker;
