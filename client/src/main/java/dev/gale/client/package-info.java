/**
 * The Java SDK for Gale's HTTP API. Start with {@link dev.gale.client.GaleClient#fromEnvironment()}
 * or {@link dev.gale.client.GaleClient#builder()}.
 */
package dev.gale.client;
