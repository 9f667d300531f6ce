// One instanced quad per glyph, textured from the atlas.
layout(location = 0) in vec4 rect;   // x, y, width, height in pixels
layout(location = 1) in vec4 uv;     // atlas rectangle: u0, v0, u1, v1
layout(location = 2) in vec4 color;  // text colour (straight alpha)
layout(location = 3) in vec4 flags;  // x: 1 for colour glyphs (emoji)

uniform vec2 viewport;

out vec2 v_uv;
out vec4 v_color;
out float v_colored;

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    vec2 pos = rect.xy + corner * rect.zw;
    vec2 ndc = pos / viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
    v_uv = mix(uv.xy, uv.zw, corner);
    v_color = color;
    v_colored = flags.x;
}
