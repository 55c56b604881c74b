package larder.http;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;
import larder.core.ConfigException;

/**
 * The address a server is asked to listen on, checked before binding: a host that is no address, or not one of
 * this machine's, is named as such (binding would only report a busy port).
 */
final class ListenAddress {
  /** Digits and dots only: meant as an IPv4 address, so never looked up as a host name. */
  private static final Pattern DOTTED = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final String HINT = "use 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or an address of"
      + " this machine ('ip addr' lists them)";

  private ListenAddress() {}

  /**
   * @throws ConfigException naming {@code --host} when it is not a valid address, names no host, or is not an
   *     address of this machine
   */
  static InetAddress of(String host) {
    String h = host.strip();
    if (DOTTED.matcher(h).matches() && !IPV4.matcher(h).matches()) {
      throw new ConfigException("--host", host, "is not a valid IPv4 address (four numbers from 0 to 255)", HINT);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(h);
    } catch (UnknownHostException e) {
      throw new ConfigException("--host", host, "is neither an IP address nor a host name this machine can resolve", HINT);
    }
    if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && !isLocal(address)) {
      throw new ConfigException("--host", host, "is not an address of this machine", HINT);
    }
    return address;
  }

  private static boolean isLocal(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return true; // cannot tell: let binding decide
    }
  }
}
