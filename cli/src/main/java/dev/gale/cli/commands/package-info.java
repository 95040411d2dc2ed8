/** The client commands: each calls the HTTP API through {@link dev.gale.client.GaleClient}. */
package dev.gale.cli.commands;
