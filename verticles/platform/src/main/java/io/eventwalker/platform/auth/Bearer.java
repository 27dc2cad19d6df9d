package io.eventwalker.platform.auth;

import io.eventwalker.platform.http.ClientAddress;
import io.eventwalker.platform.http.Problem;
import io.eventwalker.platform.http.Problems;
import io.eventwalker.platform.http.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bearer tokens (JWT, checked by vertx-auth-jwt): what a request or a bridge frame's
 * {@code Authorization} header proves. A token must be signed by a configured key (never
 * {@code alg: none}), unexpired, carry {@code exp}, name a subject of at most 64 characters of
 * {@code [A-Za-z0-9._@:-]} (it becomes part of an event-bus address), and have every claim it is
 * read for of the right type ({@link Claims}). Anything else is a 401 with
 * {@code WWW-Authenticate: Bearer}, never a 5xx.
 */
public final class Bearer {

  /** The routing-context key under which a verified {@link Identity} is kept. */
  public static final String IDENTITY = "event-walker.identity";
  public static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._@:-]{1,64}");
  private static final String FAILURE = "event-walker.identity-failure";
  /** Who the operator key ({@code LP_API_KEY}) speaks for: not a subject any token can name. */
  public static final Identity OPERATOR_KEY = new Identity("(operator key)", true);
  private static final Pattern PEM = Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

  private final JWTAuth jwt;

  private Bearer(JWTAuth jwt) {
    this.jwt = jwt;
  }

  public static Bearer create(Vertx vertx, AuthConfig config) {
    JWTAuthOptions options = new JWTAuthOptions();
    if (!config.secret().isEmpty()) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.secret()));
    }
    if (!config.publicKeysFile().isEmpty()) {
      addPublicKeys(options, config.publicKeysFile());
    }
    JWTOptions checks = new JWTOptions().setLeeway(config.leewayS());
    if (!config.issuer().isEmpty()) {
      checks.setIssuer(config.issuer());
    }
    if (!config.audience().isEmpty()) {
      checks.setAudience(List.of(config.audience()));
    }
    options.setJWTOptions(checks);
    return new Bearer(JWTAuth.create(vertx, options));
  }

  /** The identity {@code token} proves, or a failure saying why it proves none. */
  public Future<Identity> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture("no bearer token");
    }
    String malformed = Claims.malformed(token.trim());
    if (malformed != null) {
      return Future.failedFuture(malformed);
    }
    Future<User> authenticated;
    try {
      authenticated = jwt.authenticate(new TokenCredentials(token.trim()));
    } catch (RuntimeException unreadable) { // whatever the library trips on in a token is the token's fault
      return Future.failedFuture("the token is not valid");
    }
    return authenticated.compose(user -> {
      // The token's claims as verified (the principal holds only some of them).
      JsonObject claims = user.attributes().getJsonObject("accessToken", new JsonObject());
      String wrongType = Claims.wrongType(claims);
      if (wrongType != null) {
        return Future.failedFuture(wrongType);
      }
      Object subject = claims.getValue("sub");
      if (!(subject instanceof String sub) || !SUBJECT.matcher(sub).matches()) {
        return Future.failedFuture("the token's sub must be 1 to 64 characters of A-Z a-z 0-9 . _ @ : -");
      }
      Object roles = claims.getValue("roles");
      boolean operator = roles instanceof JsonArray list && list.contains("operator");
      return Future.succeededFuture(new Identity(sub, operator));
    }, failure -> Future.failedFuture(failure.getMessage() == null ? "the token is not valid" : failure.getMessage()));
  }

  /** The token of an {@code Authorization: Bearer …} header, or null. */
  public static String token(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    return authorization.substring(7).trim();
  }

  /**
   * Verifies the request's bearer token, if any, and goes on either way: {@link #IDENTITY} holds the
   * identity, or {@link #required} answers 401 later (so a rate limit can count the request by
   * player when the token is good, by address when it is not).
   */
  public Handler<RoutingContext> identify() {
    return ctx -> verify(token(ctx.request().getHeader("Authorization"))).onComplete(verified -> {
      if (verified.succeeded()) {
        ctx.put(IDENTITY, verified.result());
      } else {
        ctx.put(FAILURE, verified.cause().getMessage());
      }
      ctx.next();
    });
  }

  /**
   * Who a request counts against in the limits per client (the share of requests in flight, the
   * rate limit): the subject of the credential {@link #identify} or {@link #identifyOperator}
   * verified, else its client address ({@link ClientAddress}: an IPv6 /64 is one client).
   */
  public static String client(RoutingContext ctx) {
    Identity identity = ctx.get(IDENTITY);
    return identity != null ? "subject:" + identity.subject() : RateLimiter.ADDRESS + ClientAddress.of(ctx.request());
  }

  /** 401 unless {@link #identify} found a valid token. */
  public static Handler<RoutingContext> required() {
    return ctx -> {
      if (ctx.get(IDENTITY) != null) {
        ctx.next();
      } else {
        unauthorized(ctx, invalid(ctx.get(FAILURE)));
      }
    };
  }

  /**
   * An operator's credential: the configured API key ({@code X-Api-Key}, or as the bearer, when one
   * is configured) or a token; goes on either way, with {@link #IDENTITY} set when it is valid
   * (a token's identity says whether it has the role), so a limit can count the request by who
   * sent it before {@link #requireOperator} answers 401 or 403.
   */
  public Handler<RoutingContext> identifyOperator(ApiKeyCheck apiKey) {
    return ctx -> {
      String token = token(ctx.request().getHeader("Authorization"));
      if (apiKey.matches(ctx.request().getHeader("X-Api-Key")) || (token != null && apiKey.matches(token))) {
        ctx.put(IDENTITY, OPERATOR_KEY);
        ctx.next();
        return;
      }
      verify(token).onComplete(verified -> {
        if (verified.succeeded()) {
          ctx.put(IDENTITY, verified.result());
        } else {
          ctx.put(FAILURE, token == null && ctx.request().getHeader("X-Api-Key") == null
            ? "this operation needs an operator: Authorization: Bearer <a token with the role operator> (or X-Api-Key)"
            : token == null ? "the operator key is not valid" : invalid(verified.cause().getMessage()));
        }
        ctx.next();
      });
    };
  }

  /** After {@link #identifyOperator}: 401 without a valid credential, 403 with a valid token that lacks the role operator. */
  public static Handler<RoutingContext> requireOperator() {
    return ctx -> {
      Identity identity = ctx.get(IDENTITY);
      if (identity == null) {
        unauthorized(ctx, ctx.get(FAILURE));
      } else if (!identity.operator()) {
        Problems.write(ctx, Problem.of(403, "this operation needs the role operator; the token of " + identity.subject()
          + " does not have it"));
      } else {
        ctx.next();
      }
    };
  }

  /** A configured API key, compared in constant time; no key configured matches nothing. */
  public interface ApiKeyCheck {
    boolean matches(String sent);
  }

  /** The 401's detail for a token that failed to verify because of {@code why}. */
  private static String invalid(String why) {
    return why == null || why.equals("no bearer token")
      ? "this needs Authorization: Bearer <token>" : "the bearer token is not valid: " + why;
  }

  /**
   * A 401 with its challenge (RFC 6750 §3): a request that sent a credential (a bearer token, or
   * the operator key) learns it was not valid ({@code error="invalid_token"}); one that sent none
   * gets the challenge alone, as §3.1 asks of a request without authentication information.
   */
  private static void unauthorized(RoutingContext ctx, String detail) {
    ctx.response().putHeader("WWW-Authenticate", challenge(ctx.request().getHeader("Authorization"), ctx.request().getHeader("X-Api-Key")));
    Problems.write(ctx, Problem.of(401, detail));
  }

  /** The {@code WWW-Authenticate} of a 401 to a request with these headers. */
  static String challenge(String authorization, String apiKey) {
    boolean sentBearer = authorization != null && (token(authorization) != null || authorization.trim().equalsIgnoreCase("Bearer"));
    boolean sentCredential = sentBearer || apiKey != null;
    return sentCredential ? "Bearer realm=\"event-walker\", error=\"invalid_token\"" : "Bearer realm=\"event-walker\"";
  }

  private static void addPublicKeys(JWTAuthOptions options, String file) {
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("AUTH_JWT_PUBLIC_KEYS: cannot read " + file + ": " + e.getMessage(), e);
    }
    if (text.trim().startsWith("{")) {
      JsonArray keys = new JsonObject(text).getJsonArray("keys", new JsonArray());
      if (keys.isEmpty()) {
        throw new IllegalStateException("AUTH_JWT_PUBLIC_KEYS: " + file + " is a JWKS without keys");
      }
      keys.forEach(key -> options.addJwk((JsonObject) key));
      return;
    }
    Matcher pem = PEM.matcher(text);
    int found = 0;
    while (pem.find()) {
      byte[] der = Base64.getMimeDecoder().decode(pem.group(1));
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithmOf(der, file)).setBuffer(Buffer.buffer(pem.group())));
      found++;
    }
    if (found == 0) {
      throw new IllegalStateException("AUTH_JWT_PUBLIC_KEYS: " + file + " holds no PEM public key and is not a JWKS");
    }
  }

  /** RS256 for an RSA key, ES256 for an EC key. */
  private static String algorithmOf(byte[] der, String file) {
    for (String[] kind : new String[][] {{"RSA", "RS256"}, {"EC", "ES256"}}) {
      try {
        KeyFactory.getInstance(kind[0]).generatePublic(new X509EncodedKeySpec(der));
        return kind[1];
      } catch (Exception notThisKind) {
        // try the next kind
      }
    }
    throw new IllegalStateException("AUTH_JWT_PUBLIC_KEYS: a key in " + file + " is neither RSA nor EC");
  }
}
