package dev.echo.client;

import java.util.List;

/**
 * {@link EchoClient#connect}'s first attempt at every address, in parallel: the caller goes on as
 * soon as one is connected, not when the slowest attempt ends (it waited for an address that took
 * the whole connect timeout, and for ever with no timeout, an attacker saw). An address whose
 * attempt failed keeps trying in the background once the caller has gone on, unless its server
 * refused the client with a TLS alert: then calls ask for its attempts ({@link ReconnectOnDemand}).
 */
final class FirstConnection {
    private final List<Address> addresses;
    /** Guarded by this. */
    private final boolean[] failed;
    private int pending;
    private boolean any;
    private boolean returned;

    FirstConnection(List<Address> addresses) {
        this.addresses = addresses;
        this.failed = new boolean[addresses.size()];
        this.pending = addresses.size();
    }

    /**
     * Starts an attempt at each address and waits until one is connected (true) or every one failed
     * (false, and none keeps trying).
     */
    boolean await() throws InterruptedException {
        for (int i = 0; i < addresses.size(); i++) {
            int index = i;
            addresses.get(i).firstAttempt(() -> attempt(index));
        }
        boolean[] failedBefore;
        synchronized (this) {
            while (!any && pending > 0) {
                wait();
            }
            if (!any) {
                return false;
            }
            returned = true;
            failedBefore = failed.clone();
        }
        for (int i = 0; i < failedBefore.length; i++) {
            if (failedBefore[i]) {
                addresses.get(i).reconnectInBackground();
            }
        }
        return true;
    }

    private void attempt(int index) {
        boolean connected = addresses.get(index).connectOnce();
        boolean keepTrying;
        synchronized (this) {
            pending--;
            any |= connected;
            failed[index] = !connected;
            keepTrying = !connected && returned; // the caller has gone on: the failures it saw are its to restart
            notifyAll();
        }
        if (keepTrying) {
            addresses.get(index).reconnectInBackground();
        }
    }
}
