/**
 * The provider plug-in point: a {@link dev.gale.scaler.spi.ProviderFactory} per key creates a
 * {@link dev.gale.scaler.spi.Provider} per pool, which acquires and releases blocks.
 */
package dev.gale.scaler.spi;
