/**
 * The node agent's machinery: the WebSocket connection ({@code DefaultNodeAgent}), the local queue
 * and slot threads ({@code TaskEngine}), results waiting for acknowledgement ({@code
 * ResultOutbox}), the function table and artifact fetching. Not an API: use {@link
 * dev.gale.runtime.NodeAgent}.
 */
package dev.gale.runtime.impl;
