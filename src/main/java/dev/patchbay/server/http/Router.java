package dev.patchbay.server.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Maps a method and a path such as {@code /api/v1/apps/{appId}} to a handler. Templates match whole segments. */
public final class Router {

    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    /**
     * A registered route; {@code open} routes need no API key. {@code streaming} routes get the request body as a
     * stream ({@link ApiRequest#bodyStream()}), not read nor capped by {@link JsonHandler}: they enforce their own cap.
     * {@code maxBody} overrides the JSON body cap of {@link JsonHandler} when positive.
     */
    public record Route(String method, String template, boolean open, boolean streaming, long maxBody, Handler handler) {
        String[] segments() {
            return split(template);
        }
    }

    /** The outcome of a lookup: a route and its path parameters, or the methods the path allows (for a 405). */
    public record Match(Route route, Map<String, String> params, Set<String> allowed) {
    }

    private final List<Route> routes = new ArrayList<>();
    /** Split templates, computed once per template (matching runs for every request). */
    private final Map<String, String[]> segments = new java.util.concurrent.ConcurrentHashMap<>();

    public Router get(String template, Handler h) {
        return add("GET", template, false, h);
    }

    public Router post(String template, Handler h) {
        return add("POST", template, false, h);
    }

    public Router put(String template, Handler h) {
        return add("PUT", template, false, h);
    }

    /** A route whose handler streams the request body itself (blob uploads). */
    public Router streaming(String method, String template, Handler h) {
        routes.add(new Route(method, template, false, true, 0, h));
        return this;
    }

    /** A POST whose JSON body may be larger than the server's default cap (release envelopes of big bundles). */
    public Router post(String template, long maxBody, Handler h) {
        routes.add(new Route("POST", template, false, false, maxBody, h));
        return this;
    }

    public Router patch(String template, Handler h) {
        return add("PATCH", template, false, h);
    }

    public Router delete(String template, Handler h) {
        return add("DELETE", template, false, h);
    }

    public Router open(String method, String template, Handler h) {
        return add(method, template, true, h);
    }

    /** An open route (no API key) whose JSON body is capped at {@code maxBody} bytes (device endpoints). */
    public Router open(String method, String template, long maxBody, Handler h) {
        routes.add(new Route(method, template, true, false, maxBody, h));
        return this;
    }

    /** Replaces every route by {@code f(route)} (e.g. to wrap the handlers of writes). */
    public Router decorate(java.util.function.UnaryOperator<Route> f) {
        routes.replaceAll(f);
        return this;
    }

    private Router add(String method, String template, boolean open, Handler h) {
        routes.add(new Route(method, template, open, false, 0, h));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** Finds the route for {@code method} and {@code path}; {@code null} when no template matches the path at all. */
    public Match match(String method, String path) {
        String[] actual = split(path);
        Set<String> allowed = new LinkedHashSet<>();
        for (Route r : routes) {
            Map<String, String> params = bind(segments.computeIfAbsent(r.template(), Router::split), actual);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r, params, Set.of());
            }
            allowed.add(r.method());
        }
        return allowed.isEmpty() ? null : new Match(null, Map.of(), allowed);
    }

    private static Map<String, String> bind(String[] template, String[] actual) {
        if (template.length != actual.length) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.length; i++) {
            String t = template[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (actual[i].isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), actual[i]);
            } else if (!t.equals(actual[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
