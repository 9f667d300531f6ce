// One instanced quad per rectangle: backgrounds, decorations, the cursor, the tab bar.
layout(location = 0) in vec4 rect;   // x, y, width, height in pixels (top-left origin)
layout(location = 1) in vec4 color;  // premultiplied RGBA

uniform vec2 viewport;

out vec4 v_color;

void main() {
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    vec2 pos = rect.xy + corner * rect.zw;
    vec2 ndc = pos / viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
    v_color = color;
}
