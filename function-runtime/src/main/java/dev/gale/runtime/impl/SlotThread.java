package dev.gale.runtime.impl;

/** A thread that runs one attempt at a time; retired when its attempt was abandoned. */
final class SlotThread extends Thread {
  volatile boolean retired;

  SlotThread(Runnable body, String name) {
    super(body, name);
    setDaemon(true);
  }
}
