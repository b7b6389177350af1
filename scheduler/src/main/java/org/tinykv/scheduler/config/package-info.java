/** Configuration of the scheduler server: TOML file plus command-line flags, validated once at start. */
package org.tinykv.scheduler.config;
