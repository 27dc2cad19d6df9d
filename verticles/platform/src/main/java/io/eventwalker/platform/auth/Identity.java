package io.eventwalker.platform.auth;

/** Who a verified bearer token speaks for: its {@code sub}, and whether its {@code roles} include {@code operator}. */
public record Identity(String subject, boolean operator) {
}
