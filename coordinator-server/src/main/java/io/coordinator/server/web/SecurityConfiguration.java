package io.coordinator.server.web;

import io.coordinator.server.ops.AdminCommands;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * HTTP Basic against the users of {@code coordinator.web.users} (hashed passwords), roles ADMIN and READ_ONLY.
 * Closed by default: reads need a user (writes an ADMIN) unless {@code coordinator.web.anonymous-read} is set, so a
 * server with no users answers 401 to everything but the probes. Health, info, Prometheus, the OpenAPI document
 * and the console's static page stay open for probes, scrapers and the sign-in form.
 */
@Configuration(proxyBeanMethods = false)
public class SecurityConfiguration {
    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    InMemoryUserDetailsManager coordinatorUsers(WebProperties props, ObjectProvider<JwtDecoder> jwtDecoder) {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        for (Map.Entry<String, WebProperties.User> e : props.getUsers().entrySet()) {
            String pw = e.getValue().getPassword();
            if (pw == null || !pw.startsWith("{")) {
                throw new IllegalArgumentException("coordinator.web.users." + e.getKey() + ".password must be hashed "
                        + "with its encoder's id in front, e.g. {bcrypt}$2a$10$...");
            }
            WebProperties.Role role = e.getValue().effectiveRole();
            UserDetails u = User.withUsername(e.getKey())
                    .password(pw)
                    .roles(role == null ? new String[0] : new String[] {role.name()})
                    .build();
            users.createUser(u);
        }
        if (props.getUsers().isEmpty() && jwtDecoder.getIfAvailable() == null) {
            log.warn("No users are configured, so the REST API and console refuse every read and write (401); health"
                    + " and metrics stay open. Add one: coordinator.web.users.<name>.password={bcrypt}<hash> and"
                    + " coordinator.web.users.<name>.role=ADMIN (or READ_ONLY); print a hash with"
                    + " 'java -jar coordinator-server.jar hash-password'.");
        }
        if (props.isAnonymousRead()) {
            log.warn("coordinator.web.anonymous-read=true: anyone who reaches the HTTP port reads every znode and"
                    + " configuration value");
        }
        return users;
    }

    /** The users' roles and grants, and the named roles; a malformed grant stops startup naming it. */
    @Bean
    AccessPolicy accessPolicy(WebProperties props) {
        Map<String, List<AccessPolicy.Grant>> grantsByUser = new LinkedHashMap<>();
        props.getUsers()
                .forEach((name, user) -> grantsByUser.put(
                        name,
                        AccessPolicy.grantsOf(
                                user.effectiveRole(), grants("coordinator.web.users." + name, user.getGrants()))));
        Map<String, List<AccessPolicy.Grant>> grantsByRole = new LinkedHashMap<>();
        props.getRoles().forEach((name, role) -> {
            for (WebProperties.Role builtIn : WebProperties.Role.values()) {
                if (builtIn.name().equals(name)) {
                    throw new IllegalArgumentException(
                            "coordinator.web.roles." + name + " redefines a built-in role; choose another name");
                }
            }
            grantsByRole.put(name, grants("coordinator.web.roles." + name, role.getGrants()));
        });
        return new AccessPolicy(grantsByUser, grantsByRole);
    }

    private static List<AccessPolicy.Grant> grants(String prefix, List<WebProperties.Grant> configured) {
        List<AccessPolicy.Grant> grants = new ArrayList<>();
        for (int i = 0; i < configured.size(); i++) {
            String property = prefix + ".grants[" + i + "]";
            AccessPolicy.Grant g = configured.get(i).toGrant();
            if (g.actions().isEmpty() || g.contexts().size() + g.znodes().size() != 1) {
                throw new IllegalArgumentException(property + " needs actions and either a context or a znode"
                        + " pattern, e.g. context: \"shop,*\" with actions: [read, publish]");
            }
            try {
                AccessPolicy.validate(g);
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(property + ": " + bad.getMessage(), bad);
            }
            grants.add(g);
        }
        return grants;
    }

    /** Bearer tokens: the roles claim becomes ROLE_ authorities, the principal claim the name. */
    static JwtAuthenticationConverter jwtConverter(WebProperties.Jwt jwt) {
        JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
        roles.setAuthoritiesClaimName(jwt.getRolesClaim());
        roles.setAuthorityPrefix("ROLE_");
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(roles);
        converter.setPrincipalClaimName(jwt.getPrincipalClaim());
        return converter;
    }

    /** Requests the firewall refuses (e.g. {@code /a/./b}, {@code //}, encoded slashes): 400 with a problem body. */
    @Bean
    RequestRejectedHandler problemRequestRejectedHandler() {
        return (request, response, e) ->
                problem(response, 400, "Bad Request", "The request was rejected: " + e.getMessage());
    }

    @Bean
    SecurityFilterChain coordinatorSecurity(
            HttpSecurity http, WebProperties props, ObjectProvider<JwtDecoder> jwtDecoder) throws Exception {
        AuthenticationEntryPoint unauthorized = (request, response, e) -> {
            // Not for the console's own requests: the challenge would make the browser open its login dialog
            if (!"XMLHttpRequest".equals(request.getHeader("X-Requested-With"))) {
                response.setHeader("WWW-Authenticate", "Basic realm=\"coordinator\"");
            }
            problem(response, 401, "Unauthorized", "Authentication is required: " + e.getMessage());
        };
        AccessDeniedHandler denied =
                (request, response, e) -> problem(response, 403, "Forbidden", "This needs the ADMIN role");
        // /api: any user gets past here; the controllers check the user's grants for each context and znode
        boolean anonymousRead = props.isAnonymousRead();
        if (jwtDecoder.getIfAvailable() != null) {
            http.oauth2ResourceServer(o -> o.authenticationEntryPoint(unauthorized)
                    .jwt(j -> j.decoder(jwtDecoder.getObject())
                            .jwtAuthenticationConverter(jwtConverter(props.getJwt()))));
        }
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.authenticationEntryPoint(unauthorized))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized).accessDeniedHandler(denied))
                .authorizeHttpRequests(a -> {
                    a.requestMatchers(
                                    "/actuator/health",
                                    "/actuator/health/**",
                                    "/actuator/prometheus",
                                    "/metrics",
                                    "/actuator/info",
                                    "/v3/api-docs",
                                    "/v3/api-docs/**",
                                    "/error")
                            .permitAll();
                    a.requestMatchers(HttpMethod.GET, "/", "/index.html", "/console/**", "/favicon.ico")
                            .permitAll();
                    // ZooKeeper's AdminServer monitoring commands, open as the four-letter words are
                    a.requestMatchers(
                                    HttpMethod.GET,
                                    AdminCommands.names().stream()
                                            .map(n -> "/commands/" + n)
                                            .toArray(String[]::new))
                            .permitAll();
                    if (anonymousRead) {
                        a.requestMatchers(HttpMethod.GET, "/api/**", "/actuator/**")
                                .permitAll();
                        a.requestMatchers(HttpMethod.HEAD, "/api/**").permitAll();
                    } else {
                        a.requestMatchers(HttpMethod.GET, "/actuator/**").authenticated();
                    }
                    a.requestMatchers("/api/**").authenticated();
                    a.anyRequest().hasRole("ADMIN");
                });
        return http.build();
    }

    private static void problem(HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getWriter()
                .write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":\""
                        + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }
}
