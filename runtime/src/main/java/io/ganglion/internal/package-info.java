/**
 * Support for generated code only. Nothing here is API: it may change in any release without
 * notice.
 */
package io.ganglion.internal;
