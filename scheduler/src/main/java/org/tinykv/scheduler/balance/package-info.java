/**
 * Balance schedulers: balance-leader (by leader count) and balance-region (by region size), and the store view
 * (health filters plus the foreseen effect of running operators) they and the replica checker decide on.
 */
package org.tinykv.scheduler.balance;
