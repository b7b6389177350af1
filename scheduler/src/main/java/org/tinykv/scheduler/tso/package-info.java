/** The timestamp oracle: hybrid timestamps (physical milliseconds &lt;&lt; 18 | logical), persisted window. */
package org.tinykv.scheduler.tso;
