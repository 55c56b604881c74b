package larder.dashboard;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import larder.http.ServeContext;

/**
 * Registers a screen's routes: each route line names a path, a template and the method that builds the
 * template's model. Templates are compiled with the module (jte's Maven plugin) and escape what they print for
 * where it goes (HTML text, attribute, script), so a job name or failure message is shown, never run.
 *
 * <pre>{@code
 * pages.page("/", Nav.JOBS, "jobs/overview.jte", jobs::page);             // a full page in the layout
 * pages.fragment("/fragments/jobs", "jobs/rows.jte", jobs::rows);          // a piece htmx swaps in
 * pages.action("/jobs/{job}/rollback", "jobs/rolled-back.jte", h::rollback); // admin POST, CSRF checked
 * }</pre>
 */
public final class Pages {
  /** Builds a template's model from the request; {@code frame} is what the layout needs. */
  @FunctionalInterface
  public interface Model {
    Object of(Context ctx, Frame frame) throws Exception;
  }

  private static final TemplateEngine TEMPLATES =
      TemplateEngine.createPrecompiled(null, ContentType.Html, Pages.class.getClassLoader(), "larder.dashboard.templates");

  private final JavalinDefaultRoutingApi routes;
  private final ServeContext served;
  private final Assets assets;
  private final Csrf csrf;

  Pages(JavalinDefaultRoutingApi routes, ServeContext served, Assets assets, Csrf csrf) {
    this.routes = routes;
    this.served = served;
    this.assets = assets;
    this.csrf = csrf;
  }

  /** A page: GET {@code path} renders {@code template} (which wraps itself in the layout) with the model. */
  public void page(String path, Nav current, String template, Model model) {
    check(template);
    routes.get(path, ctx -> render(ctx, template, model.of(ctx, frame(ctx, current))));
  }

  /** A fragment for htmx to swap in: GET {@code path} renders {@code template} alone. */
  public void fragment(String path, String template, Model model) {
    check(template);
    routes.get(path, ctx -> {
      ctx.header("Cache-Control", "no-store");
      render(ctx, template, model.of(ctx, frame(ctx, null)));
    });
  }

  /**
   * An action: POST {@code path}, for admins only (the server's key check demands an admin key for every write;
   * this checks again) and only with the page's CSRF token ({@link Csrf}); then renders {@code template} with
   * the model, for htmx to swap in. Refused: 403 with a line of text, before the model runs.
   */
  public void action(String path, String template, Model model) {
    check(template);
    routes.post(path, ctx -> {
      if (!served.mayAdmin(ctx)) {
        refuse(ctx, "this action needs an admin key: open the dashboard with ?key=ADMIN_KEY");
      } else if (!csrf.accepts(ctx)) {
        refuse(ctx, "the page is out of date (its CSRF token is not this server's): reload it and try again");
      } else {
        render(ctx, template, model.of(ctx, frame(ctx, null)));
      }
    });
  }

  /** A misspelt template fails the server's start, not the first request that needs it. */
  private static void check(String template) {
    if (!TEMPLATES.hasTemplate(template)) {
      throw new IllegalStateException("no template " + template + " under larder-dashboard/src/main/jte");
    }
  }

  private Frame frame(Context ctx, Nav current) {
    return new Frame(current, assets, csrf.token(), served.mayAdmin(ctx));
  }

  private static void refuse(Context ctx, String why) {
    ctx.status(403).contentType("text/plain; charset=utf-8").result(why);
  }

  private static void render(Context ctx, String template, Object model) {
    StringOutput out = new StringOutput(8192);
    TEMPLATES.render(template, model, out);
    ctx.html(out.toString());
  }
}
