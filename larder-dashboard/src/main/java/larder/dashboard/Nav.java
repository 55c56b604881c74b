package larder.dashboard;

/** The header's links, in order. A screen reached from the header adds itself here. */
public enum Nav {
  JOBS("Jobs", "/"),
  INSPECTOR("Inspector", "/inspect"),
  SEGMENTS("Segments", "/segments");

  private final String label;
  private final String href;

  Nav(String label, String href) {
    this.label = label;
    this.href = href;
  }

  public String label() { return label; }

  public String href() { return href; }
}
