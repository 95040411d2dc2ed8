package dev.gale.transfer.spi;

import java.net.URI;

/**
 * One object found under a prefix by {@link Stager#list}.
 *
 * @param relativePath its path below the listed prefix, segments separated by {@code /}, never
 *     starting with {@code /} and never containing {@code .} or {@code ..} segments
 * @param url its full URL, usable with the same stager's {@code stageIn}
 * @param size its size in bytes, or -1 when the listing does not say
 */
public record ListedObject(String relativePath, URI url, long size) {}
