in vec2 v_uv;
in vec4 v_color;
in float v_colored;

uniform sampler2D atlas;

out vec4 frag;

void main() {
    vec4 texel = texture(atlas, v_uv);
    if (v_colored > 0.5) {
        // Colour glyphs are stored premultiplied.
        frag = texel * v_color.a;
    } else {
        // Masks: coverage in alpha; output premultiplied.
        float a = texel.a * v_color.a;
        frag = vec4(v_color.rgb * a, a);
    }
}
