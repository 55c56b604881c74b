package larder.dashboard.inspect;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The inspector's addresses for one job and the ids it shows, percent-encoded (UTF-8) so any id, however long
 * or whatever its script, survives the address bar and can be shared: {@code /jobs/shop/users?id=u42&item=i7}.
 *
 * @param job the recommendations job
 * @param userId the user shown, or empty
 * @param itemId the item whose similar items are shown, or empty
 */
public record InspectUrl(String job, String userId, String itemId) {
  /** The page: what the address bar shows and what a shared link opens. */
  public String page() {
    return "/jobs/" + segment(job) + "/users" + query(userId, itemId);
  }

  /** The form's and links' htmx target: the same answer without the layout around it. */
  public String fragmentPath() {
    return "/fragments/jobs/" + segment(job) + "/users";
  }

  /** The page for the same job without ids (the form's action when scripts are off). */
  public String pagePath() {
    return "/jobs/" + segment(job) + "/users";
  }

  /** The page showing this user and the items similar to {@code item}. */
  public String withItem(String item) {
    return "/jobs/" + segment(job) + "/users" + query(userId, item);
  }

  /** The fragment for this user and {@code item}'s similar items, for a link htmx follows. */
  public String fragmentWithItem(String item) {
    return fragmentPath() + query(userId, item);
  }

  /** The inspector of another job for the same ids. */
  public String forJob(String otherJob) {
    return new InspectUrl(otherJob, userId, itemId).page();
  }

  private static String query(String user, String item) {
    StringBuilder q = new StringBuilder();
    if (!user.isEmpty()) q.append("?id=").append(encode(user));
    if (!item.isEmpty()) q.append(q.isEmpty() ? '?' : '&').append("item=").append(encode(item));
    return q.toString();
  }

  /** A path segment: as a query value, but a space is %20 there, never '+'. */
  private static String segment(String text) {
    return encode(text).replace("+", "%20");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
