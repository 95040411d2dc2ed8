/**
 * Plug-in points of the gateway, found with {@link java.util.ServiceLoader}: {@link
 * dev.gale.gateway.spi.PoolValidator} checks pool settings against the providers the assembly has.
 */
package dev.gale.gateway.spi;
