/**
 * Configuration: the table of keys ({@link dev.gale.cli.config.ConfigKey}), their resolution below
 * flags ({@link dev.gale.cli.config.Config}) and the binding of options to keys ({@link
 * dev.gale.cli.config.Setting}, {@link dev.gale.cli.config.ConfigDefaults}).
 */
package dev.gale.cli.config;
